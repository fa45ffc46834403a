import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  emptyLevel,
  lowStockTransition,
  withThreshold,
  type LevelState,
} from './level.ts';
import { ledgerSum } from './movement.ts';

describe('a level as the projection of its ledger', () => {
  it('has on-hand equal to the sum of the movements applied to it, whatever they are', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -500, max: 500 }).filter((q) => q !== 0)), (qs) => {
        let level = emptyLevel();
        for (const q of qs) level = applyChange(level, { onHand: q }).level;
        expect(level.onHand).toBe(ledgerSum(qs.map((quantity) => ({ quantity }))));
      }),
    );
  });

  it('refuses to take reserved or in-transit quantities below zero', () => {
    expect(() => applyChange(emptyLevel(), { reserved: -1 })).toThrow(/invariant/);
    expect(() => applyChange(emptyLevel(), { inTransit: -1 })).toThrow(/invariant/);
  });
});

describe('low-stock alerts', () => {
  const at = (onHand: number, threshold: number | null = 10): LevelState => ({
    ...emptyLevel(),
    onHand,
    threshold,
  });

  it('fire when on-hand goes from at the threshold to below it', () => {
    const { level, lowStock } = applyChange(at(10), { onHand: -1 });
    expect(lowStock).toBe(true);
    expect(level.lowStockAlerted).toBe(true);
  });

  it('do not fire while on-hand stays at or above the threshold', () => {
    expect(applyChange(at(15), { onHand: -5 }).lowStock).toBe(false);
  });

  it('fire only once while on-hand stays below the threshold', () => {
    const first = applyChange(at(10), { onHand: -2 });
    const second = applyChange(first.level, { onHand: -3 });
    const third = applyChange(second.level, { onHand: 1 });
    expect([first.lowStock, second.lowStock, third.lowStock]).toEqual([true, false, false]);
  });

  it('fire again after on-hand has been back at the threshold', () => {
    const dip = applyChange(at(10), { onHand: -1 });
    const back = applyChange(dip.level, { onHand: 1 });
    const again = applyChange(back.level, { onHand: -1 });
    expect([dip.lowStock, back.lowStock, again.lowStock]).toEqual([true, false, true]);
    expect(back.level.lowStockAlerted).toBe(false);
  });

  it('never fire without a threshold', () => {
    expect(applyChange(at(0, null), { onHand: -5 }).lowStock).toBe(false);
  });

  it('fire exactly once per crossing from at-or-above to below, for any sequence of changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 60 }),
        (threshold, start, deltas) => {
          let level: LevelState = { ...emptyLevel(), onHand: start, threshold };
          level = withThreshold(level, threshold).level;
          let alerts = 0;
          let crossings = 0;
          for (const delta of deltas) {
            const before = level.onHand;
            const next = applyChange(level, { onHand: delta });
            if (next.lowStock) alerts += 1;
            if (before >= threshold && next.level.onHand < threshold) crossings += 1;
            level = next.level;
          }
          // Starting below the threshold counts as an episode already alerted.
          expect(alerts).toBe(crossings);
        },
      ),
    );
  });

  it('fire when a threshold is set above the current on-hand, and not again for the same value', () => {
    const set = withThreshold(at(3, null), 10);
    expect(set.lowStock).toBe(true);
    expect(withThreshold(set.level, 10).lowStock).toBe(false);
    expect(withThreshold(at(30, null), 10).lowStock).toBe(false);
    expect(lowStockTransition(null, true, 0)).toEqual({ alerted: false, emit: false });
  });

  it('do not fire again when the threshold is moved, cleared or put back while on-hand stays below it', () => {
    // 30 on hand: 50, 60, cleared, 50, 40 — one dip, one alert.
    let level = at(30, null);
    const fired: boolean[] = [];
    for (const threshold of [50, 60, null, 50, 40]) {
      const next = withThreshold(level, threshold);
      fired.push(next.lowStock);
      level = next.level;
    }
    expect(fired).toEqual([true, false, false, false, false]);
    expect(level.lowStockAlerted).toBe(true);
  });

  it('fire again once a threshold at or below on-hand has ended the dip', () => {
    const alerted = withThreshold(at(30, null), 50).level;
    const lowered = withThreshold(alerted, 30);
    expect(lowered).toEqual({
      level: { ...alerted, threshold: 30, lowStockAlerted: false },
      lowStock: false,
    });
    expect(applyChange(lowered.level, { onHand: -1 }).lowStock).toBe(true);
    expect(withThreshold(lowered.level, 50).lowStock).toBe(true);
  });

  it('fire when a threshold is put back after stock moved while none was set', () => {
    const cleared = withThreshold(withThreshold(at(30, null), 50).level, null).level;
    const moved = applyChange(cleared, { onHand: -1 });
    expect(moved.lowStock).toBe(false);
    expect(withThreshold(moved.level, 50).lowStock).toBe(true);
  });

  it('fire at most once for any run of thresholds above on-hand or cleared, with no stock moved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.array(fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }), { maxLength: 20 }),
        (onHand, startAlerted, aboves) => {
          let level: LevelState = { ...at(onHand, null), lowStockAlerted: startAlerted };
          let alerts = 0;
          for (const above of aboves) {
            const next = withThreshold(level, above === null ? null : onHand + above);
            if (next.lowStock) alerts += 1;
            level = next.level;
          }
          expect(alerts).toBeLessThanOrEqual(startAlerted ? 0 : 1);
        },
      ),
    );
  });
});
