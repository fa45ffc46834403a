import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canAttachTaxRate,
  canDeleteTaxRate,
  decideTaxRateChange,
  type TaxRateState,
} from './tax-rates.ts';

const vat: TaxRateState = {
  name: 'VAT',
  rateBps: 2000,
  inclusive: true,
  active: true,
  used: false,
};
const used: TaxRateState = { ...vat, used: true };

const change = fc.record(
  {
    name: fc.constantFrom('VAT', 'VAT reduced', 'Sales tax'),
    rateBps: fc.integer({ min: 0, max: 10_000 }),
    inclusive: fc.boolean(),
    active: fc.boolean(),
  },
  { requiredKeys: [] },
);
const state = fc.record({
  name: fc.constantFrom('VAT', 'Sales tax'),
  rateBps: fc.integer({ min: 0, max: 10_000 }),
  inclusive: fc.boolean(),
  active: fc.boolean(),
  used: fc.boolean(),
});

describe('tax rate immutability', () => {
  it('lets a rate that was never attached be corrected in place', () => {
    expect(decideTaxRateChange(vat, { rateBps: 2100, name: 'VAT 21' })).toEqual({
      ok: true,
      patch: { rateBps: 2100, name: 'VAT 21' },
    });
  });

  it('refuses to change the rate, inclusiveness or name of a used rate', () => {
    expect(decideTaxRateChange(used, { rateBps: 2100 })).toEqual({
      ok: false,
      reason: 'tax-rate-in-use',
      fields: ['rateBps'],
    });
    expect(decideTaxRateChange(used, { inclusive: false })).toMatchObject({ ok: false });
    expect(decideTaxRateChange(used, { name: 'Renamed' })).toMatchObject({ ok: false });
  });

  it('lets a used rate be deactivated and reactivated', () => {
    expect(decideTaxRateChange(used, { active: false })).toEqual({
      ok: true,
      patch: { active: false },
    });
    expect(decideTaxRateChange({ ...used, active: false }, { active: true })).toMatchObject({
      ok: true,
    });
  });

  it('treats restating a used rate’s current values as no change rather than a refusal', () => {
    expect(decideTaxRateChange(used, { rateBps: 2000, inclusive: true, name: 'VAT' })).toEqual({
      ok: true,
      patch: {},
    });
  });

  it('refuses a change exactly when the rate is used and its meaning would differ', () => {
    fc.assert(
      fc.property(state, change, (rate, c) => {
        const alters =
          (c.name !== undefined && c.name !== rate.name) ||
          (c.rateBps !== undefined && c.rateBps !== rate.rateBps) ||
          (c.inclusive !== undefined && c.inclusive !== rate.inclusive);
        expect(decideTaxRateChange(rate, c).ok).toBe(!(rate.used && alters));
      }),
    );
  });

  it('deletes only a rate that was never used, and attaches only an active one', () => {
    expect(canDeleteTaxRate(vat)).toBe(true);
    expect(canDeleteTaxRate(used)).toBe(false);
    expect(canAttachTaxRate(vat)).toBe(true);
    expect(canAttachTaxRate({ ...vat, active: false })).toBe(false);
  });
});
