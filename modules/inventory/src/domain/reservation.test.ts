import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChange, available, emptyLevel, type LevelState } from './level.ts';
import { ledgerSum } from './movement.ts';
import { decideOversell, shortfalls } from './oversell.ts';
import {
  confirmStep,
  explodeLines,
  releaseStep,
  sameRequest,
  type Component,
  type StockItemFacts,
} from './reservation.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const burger = id(1);
const bun = id(2);
const beef = id(3);
const soda = id(4);
const coffee = id(5);
const items = new Map<string, StockItemFacts>([
  [burger, { id: burger, kind: 'menu', archived: false }],
  [bun, { id: bun, kind: 'ingredient', archived: false }],
  [beef, { id: beef, kind: 'ingredient', archived: false }],
  [soda, { id: soda, kind: 'retail', archived: false }],
  [coffee, { id: coffee, kind: 'menu', archived: false }],
]);
const recipes = new Map<string, Component[]>([
  [
    burger,
    [
      { stockItemId: bun, quantity: 1 },
      { stockItemId: beef, quantity: 150 },
    ],
  ],
]);

describe('what a reservation holds', () => {
  it('holds a menu item’s recipe times the quantity, and a stocked item itself', () => {
    const holds = explodeLines(
      [
        { variantId: burger, quantity: 2 },
        { variantId: soda, quantity: 3 },
      ],
      items,
      recipes,
    );
    expect(holds).toEqual([
      { stockItemId: bun, quantity: 2 },
      { stockItemId: beef, quantity: 300 },
      { stockItemId: soda, quantity: 3 },
    ]);
  });

  it('sums holds of the same item across lines', () => {
    const holds = explodeLines(
      [
        { variantId: burger, quantity: 1 },
        { variantId: bun, quantity: 4 },
        { variantId: burger, quantity: 1 },
      ],
      items,
      recipes,
    );
    expect(holds).toEqual([
      { stockItemId: bun, quantity: 6 },
      { stockItemId: beef, quantity: 300 },
    ]);
  });

  it('holds nothing for a menu item without a recipe: it is not stock-tracked', () => {
    expect(explodeLines([{ variantId: coffee, quantity: 5 }], items, recipes)).toEqual([]);
  });

  it('refuses unknown variants and holds archived ones, rung up before they were archived', () => {
    expect(() => explodeLines([{ variantId: id(99), quantity: 1 }], items, recipes)).toThrow(
      expect.objectContaining({ code: 'stock-item-not-found' }),
    );
    const archived = new Map(items)
      .set(soda, { id: soda, kind: 'retail', archived: true })
      .set(burger, { id: burger, kind: 'menu', archived: true });
    const lines = [
      { variantId: soda, quantity: 2 },
      { variantId: burger, quantity: 1 },
    ];
    expect(explodeLines(lines, archived, recipes)).toEqual([
      { stockItemId: soda, quantity: 2 },
      { stockItemId: bun, quantity: 1 },
      { stockItemId: beef, quantity: 150 },
    ]);
  });
});

describe('reservation transitions', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const later = new Date('2026-11-23T10:15:00Z');

  it('confirms an active reservation before it expires, and replays a confirmed one', () => {
    expect(confirmStep('active', later, now)).toBe('confirm');
    expect(confirmStep('confirmed', later, now)).toBe('replay');
  });

  it('refuses to confirm an expired, released or lapsed reservation', () => {
    expect(() => confirmStep('active', now, now)).toThrow(
      expect.objectContaining({ code: 'reservation-expired' }),
    );
    for (const status of ['released', 'expired'] as const) {
      expect(() => confirmStep(status, later, now)).toThrow(
        expect.objectContaining({ code: 'reservation-not-active' }),
      );
    }
  });

  it('releases an active reservation, leaves a released one be, refuses a confirmed one', () => {
    expect(releaseStep('active')).toBe('release');
    expect(releaseStep('released')).toBe('replay');
    expect(releaseStep('expired')).toBe('replay');
    expect(() => releaseStep('confirmed')).toThrow(
      expect.objectContaining({ code: 'reservation-not-active' }),
    );
  });

  it('treats a retried reservation as the same only if it asks for the same lines', () => {
    const first = { storeId: id(7), lines: [{ variantId: soda, quantity: 1 }] };
    expect(sameRequest(first, { ...first })).toBe(true);
    expect(sameRequest(first, { ...first, lines: [{ variantId: soda, quantity: 2 }] })).toBe(false);
    expect(sameRequest(first, { ...first, storeId: id(8) })).toBe(false);
  });
});

/**
 * The reservation arithmetic as the use cases compose it, on one level under
 * the block policy: random receipts, reservations, confirmations and releases.
 */
describe('reservation arithmetic under the block policy', () => {
  const ops = fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('receive' as const), q: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('reserve' as const), q: fc.integer({ min: 1, max: 15 }) }),
      fc.record({ op: fc.constant('confirm' as const), i: fc.nat(30) }),
      fc.record({ op: fc.constant('release' as const), i: fc.nat(30) }),
    ),
    { maxLength: 80 },
  );

  it('keeps on-hand equal to the ledger, reserved equal to active holds, and never oversells', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        let level: LevelState = emptyLevel();
        const ledger: { quantity: number }[] = [];
        const holds: { q: number; status: 'active' | 'confirmed' | 'released' }[] = [];
        for (const step of sequence) {
          if (step.op === 'receive') {
            level = applyChange(level, { onHand: step.q }).level;
            ledger.push({ quantity: step.q });
          } else if (step.op === 'reserve') {
            const demand = {
              storeId: '',
              stockItemId: '',
              requested: step.q,
              available: available(level),
            };
            if (decideOversell('block', shortfalls([demand]), true) === 'reject') continue;
            level = applyChange(level, { reserved: step.q }).level;
            holds.push({ q: step.q, status: 'active' });
          } else {
            const hold = holds[step.i];
            if (!hold || hold.status !== 'active') continue;
            if (step.op === 'confirm') {
              level = applyChange(level, { onHand: -hold.q, reserved: -hold.q }).level;
              ledger.push({ quantity: -hold.q });
              hold.status = 'confirmed';
            } else {
              level = applyChange(level, { reserved: -hold.q }).level;
              hold.status = 'released';
            }
          }
          const active = holds.filter((h) => h.status === 'active').reduce((s, h) => s + h.q, 0);
          expect(level.onHand).toBe(ledgerSum(ledger));
          expect(level.reserved).toBe(active);
          expect(level.onHand).toBeGreaterThanOrEqual(level.reserved);
          expect(level.reserved).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
