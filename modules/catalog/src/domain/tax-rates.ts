/**
 * Tax rates are evidence: an order line snapshots the rate it was sold with,
 * and reports group by rate. Once a rate has been attached to an item it may
 * have been charged, so changing it in place would rewrite what it meant. A
 * used rate can therefore only be deactivated (or reactivated); a new rate
 * replaces it. A rate never attached can still be corrected or deleted.
 */
export interface TaxRateState {
  readonly name: string;
  readonly rateBps: number;
  readonly inclusive: boolean;
  readonly active: boolean;
  /** Attached to an item at least once. Never goes back to false. */
  readonly used: boolean;
}

export type TaxRateChange = Partial<Omit<TaxRateState, 'used'>>;

export type TaxRateDecision =
  | { ok: true; patch: TaxRateChange }
  | { ok: false; reason: 'tax-rate-in-use'; fields: ('name' | 'rateBps' | 'inclusive')[] };

/** The fields that really change, or the refusal when a used rate would change meaning. */
export function decideTaxRateChange(rate: TaxRateState, change: TaxRateChange): TaxRateDecision {
  const differs = (key: keyof TaxRateChange) =>
    change[key] !== undefined && change[key] !== rate[key];
  const patch: TaxRateChange = {
    ...(differs('name') && { name: change.name }),
    ...(differs('rateBps') && { rateBps: change.rateBps }),
    ...(differs('inclusive') && { inclusive: change.inclusive }),
    ...(differs('active') && { active: change.active }),
  };
  const fields = (['name', 'rateBps', 'inclusive'] as const).filter(differs);
  if (rate.used && fields.length > 0) return { ok: false, reason: 'tax-rate-in-use', fields };
  return { ok: true, patch };
}

export function canDeleteTaxRate(rate: TaxRateState): boolean {
  return !rate.used;
}

/** Only active rates may be attached to items. */
export function canAttachTaxRate(rate: TaxRateState): boolean {
  return rate.active;
}
