/** Whether `requested` names every id of `current` exactly once, and nothing else. */
export function isPermutationOf(current: readonly string[], requested: readonly string[]): boolean {
  if (current.length !== requested.length) return false;
  const wanted = new Set(requested);
  return wanted.size === requested.length && current.every((id) => wanted.has(id));
}

/** Ids that appear more than once. */
export function duplicatesIn(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false))))];
}
