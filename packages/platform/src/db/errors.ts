/** The Postgres error in a driver error's cause chain (drizzle wraps driver errors). */
function postgresErrors(err: unknown): { code?: string; constraint?: string; message?: string }[] {
  const found = [];
  for (
    let e = err as
      { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    found.push(e);
  }
  return found;
}

/** Whether `err` is a unique violation (23505) of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  return postgresErrors(err).some(
    (e) =>
      e.code === '23505' && (e.constraint === constraint || String(e.message).includes(constraint)),
  );
}

/** Whether `err` is a foreign-key violation (23503). */
export function isForeignKeyViolation(err: unknown): boolean {
  return postgresErrors(err).some((e) => e.code === '23503');
}
