import { describe, expect, it } from 'vitest';
import {
  decideOversell,
  shortfallsOnlyWarn,
  shortfalls,
  toWarnings,
  type Demand,
} from './oversell.ts';

const store = '01900000-0000-7000-8000-0000000000a1';
const item = '01900000-0000-7000-8000-000000000001';
const short: Demand = { storeId: store, stockItemId: item, requested: 5, available: 3 };
const enough: Demand = { ...short, requested: 3 };

describe('the oversell policy', () => {
  it('lets an operation through untouched when the stock is there', () => {
    for (const policy of ['block', 'warn', 'allow-with-alert'] as const) {
      expect(decideOversell(policy, shortfalls([enough]), true)).toBe('proceed');
    }
  });

  it('counts a demand as short only when it asks for more than is available', () => {
    expect(shortfalls([enough, short])).toEqual([short]);
    expect(shortfalls([{ ...short, available: -2, requested: 0 }])).toEqual([]);
  });

  it('refuses under block, warns under warn, alerts under allow-with-alert', () => {
    expect(decideOversell('block', [short], true)).toBe('reject');
    expect(decideOversell('warn', [short], true)).toBe('warn');
    expect(decideOversell('allow-with-alert', [short], true)).toBe('alert');
  });

  it('alerts under block when the operation can no longer be refused', () => {
    expect(decideOversell('block', [short], false)).toBe('alert');
  });

  it('says a policy only warns exactly when no shortfall can refuse or alert', () => {
    for (const policy of ['block', 'warn', 'allow-with-alert'] as const) {
      const outcomes = new Set(
        [true, false].flatMap((enforceable) => [
          decideOversell(policy, [short], enforceable),
          decideOversell(policy, [enough], enforceable),
        ]),
      );
      const onlyWarns = [...outcomes].every((o) => o === 'proceed' || o === 'warn');
      expect(shortfallsOnlyWarn(policy)).toBe(onlyWarns);
    }
    expect(shortfallsOnlyWarn('warn')).toBe(true);
  });

  it('describes each shortfall as a warning', () => {
    expect(toWarnings([short])).toEqual([
      { code: 'insufficient-stock', storeId: store, stockItemId: item, requested: 5, available: 3 },
    ]);
  });
});
