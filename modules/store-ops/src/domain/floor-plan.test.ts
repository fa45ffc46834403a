import { describe, expect, it } from 'vitest';
import { sectionInUseMessage } from './floor-plan.ts';

const tables = (...names: string[]) => names.map((name, i) => ({ id: `t${i}`, name }));

describe('the reason a section cannot be removed', () => {
  it('names the one active table', () => {
    expect(sectionInUseMessage({ total: 1, tables: tables('T1') })).toBe(
      'The section still has 1 active table (T1): deactivate it or move it to another section first.',
    );
  });

  it('names every active table when there are few', () => {
    expect(sectionInUseMessage({ total: 3, tables: tables('B1', 'B2', 'B3') })).toBe(
      'The section still has 3 active tables (B1, B2, B3): deactivate them or move them to another section first.',
    );
  });

  it('counts the active tables it does not name', () => {
    expect(sectionInUseMessage({ total: 12, tables: tables('A', 'B') })).toBe(
      'The section still has 12 active tables (A, B and 10 more): deactivate them or move them to another section first.',
    );
  });
});
