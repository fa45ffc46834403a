/** A section's active tables: how many, and the first few of them by name. */
export interface ActiveTables {
  total: number;
  tables: { id: string; name: string }[];
}

/** How many active tables a refused removal names; the others are only counted. */
export const NAMED_ACTIVE_TABLES = 10;

/**
 * Why a section cannot be removed yet, in words an operator can act on: which
 * tables are still in use there, so they know what to deactivate or move.
 */
export function sectionInUseMessage(active: ActiveTables): string {
  const names = active.tables.map((t) => t.name);
  const unnamed = active.total - names.length;
  const list = unnamed > 0 ? `${names.join(', ')} and ${unnamed} more` : names.join(', ');
  const [count, them] =
    active.total === 1 ? ['1 active table', 'it'] : [`${active.total} active tables`, 'them'];
  return `The section still has ${count} (${list}): deactivate ${them} or move ${them} to another section first.`;
}
