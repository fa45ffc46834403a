import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { assertCashAvailable, decideClose, drawerTotals, type MovementTotal } from './drawer.ts';

const amount = fc.integer({ min: 1, max: 1_000_000_000 });
const tender = fc.constantFrom('cash', 'card', 'voucher');
const movement: fc.Arbitrary<MovementTotal> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('cash-in' as const, 'cash-out' as const),
    tender: fc.constant('cash'),
    amountMinor: amount,
    count: fc.constant(1),
  }),
  fc.record({
    kind: fc.constantFrom('sale' as const, 'refund' as const),
    tender,
    amountMinor: amount,
    count: fc.constant(1),
  }),
);
const ledger = fc.tuple(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.array(movement, { maxLength: 60 }),
);
const float = (amountMinor: number): MovementTotal => ({
  kind: 'float',
  tender: 'cash',
  amountMinor,
  count: 1,
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
  return undefined;
};

describe('drawer totals', () => {
  it('expects float + cash in − cash out + cash sales − cash refunds, for any ledger', () => {
    fc.assert(
      fc.property(ledger, ([f, ms]) => {
        const sum = (kind: string, cashOnly: boolean) =>
          ms
            .filter((m) => m.kind === kind && (!cashOnly || m.tender === 'cash'))
            .reduce((s, m) => s + m.amountMinor, 0);
        const t = drawerTotals([float(f), ...ms]);
        expect(t.expectedCashMinor).toBe(
          f +
            sum('cash-in', false) -
            sum('cash-out', false) +
            sum('sale', true) -
            sum('refund', true),
        );
        expect(t.movementCount).toBe(ms.length + 1);
      }),
    );
  });

  it('totals every tender, but only cash moves the expected cash', () => {
    fc.assert(
      fc.property(ledger, ([f, ms]) => {
        const t = drawerTotals([float(f), ...ms]);
        const nonCash = ms.filter((m) => m.tender !== 'cash');
        const withoutNonCash = drawerTotals([float(f), ...ms.filter((m) => m.tender === 'cash')]);
        expect(t.expectedCashMinor).toBe(withoutNonCash.expectedCashMinor);
        for (const row of t.tenders) {
          const mine = ms.filter(
            (m) => m.tender === row.tender && (m.kind === 'sale' || m.kind === 'refund'),
          );
          expect(row.count).toBe(mine.length);
          expect(row.netMinor).toBe(row.salesMinor - row.refundsMinor);
        }
        const nonCashNet = t.tenders
          .filter((r) => r.tender !== 'cash')
          .reduce((s, r) => s + r.netMinor, 0);
        expect(nonCashNet).toBe(
          nonCash.reduce((s, m) => s + (m.kind === 'sale' ? m.amountMinor : -m.amountMinor), 0),
        );
      }),
    );
  });

  it('does not depend on the order the ledger is read in', () => {
    fc.assert(
      fc.property(ledger, ([f, ms]) => {
        expect(drawerTotals([...ms].reverse().concat(float(f)))).toEqual(
          drawerTotals([float(f), ...ms]),
        );
      }),
    );
  });

  it('lists tenders by name with sales and refunds apart', () => {
    const t = drawerTotals([
      float(10_000),
      { kind: 'sale', tender: 'card', amountMinor: 2_500, count: 2 },
      { kind: 'sale', tender: 'cash', amountMinor: 1_200, count: 1 },
      { kind: 'refund', tender: 'cash', amountMinor: 200, count: 1 },
    ]);
    expect(t.tenders).toEqual([
      { tender: 'card', salesMinor: 2_500, refundsMinor: 0, netMinor: 2_500, count: 2 },
      { tender: 'cash', salesMinor: 1_200, refundsMinor: 200, netMinor: 1_000, count: 2 },
    ]);
    expect(t.expectedCashMinor).toBe(11_000);
  });
});

describe('taking cash out', () => {
  it('allows up to the expected cash and rejects a cent more', () => {
    fc.assert(
      fc.property(ledger, ([f, ms]) => {
        const t = drawerTotals([float(f), ...ms]);
        fc.pre(t.expectedCashMinor >= 0);
        expect(codeOf(() => assertCashAvailable(t, t.expectedCashMinor))).toBeUndefined();
        expect(codeOf(() => assertCashAvailable(t, t.expectedCashMinor + 1))).toBe(
          'insufficient-cash',
        );
      }),
    );
  });
});

describe('the Z close', () => {
  it('reports counted − expected as over (positive) or short (negative)', () => {
    fc.assert(
      fc.property(ledger, fc.nat({ max: 2_000_000_000 }), ([f, ms], counted) => {
        const t = drawerTotals([float(f), ...ms]);
        const d = decideClose(t, counted, 'recount done');
        expect(d.overShortMinor).toBe(counted - t.expectedCashMinor);
        expect(d.countedCashMinor).toBe(counted);
      }),
    );
  });

  it('needs no reason when the count matches', () => {
    const t = drawerTotals([float(5_000)]);
    expect(decideClose(t, 5_000, undefined)).toEqual({
      countedCashMinor: 5_000,
      overShortMinor: 0,
      reason: null,
    });
  });

  it('requires a reason when the drawer is over or short', () => {
    const t = drawerTotals([float(5_000)]);
    expect(codeOf(() => decideClose(t, 4_990, undefined))).toBe('reason-required');
    expect(codeOf(() => decideClose(t, 5_010, undefined))).toBe('reason-required');
    expect(decideClose(t, 4_990, 'coin dropped').reason).toBe('coin dropped');
  });
});
