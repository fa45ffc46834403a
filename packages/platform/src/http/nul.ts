import { DomainError } from '../errors.ts';

/**
 * Where `value` holds U+0000 — in a string or an object key — as a path
 * (`.lines.0.name`), or `undefined`. PostgreSQL's text and jsonb cannot hold
 * it, so the API refuses it at the edge instead of failing in a statement.
 */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key.includes('\0')) return at;
    const found = nulPath(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The 400 for a NUL character in `field` (`body.name`, `querystring`, …). */
export const nulError = (field: string): DomainError =>
  new DomainError(
    'validation-failed',
    `${field} contains a NUL character (U+0000), which no text in Stratum may hold.`,
    'invalid',
    { field },
  );
