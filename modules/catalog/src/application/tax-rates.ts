import { cursorScope, newId, toPage } from '@stratum/platform';
import { raise, type CatalogApi } from '../contract.ts';
import { canDeleteTaxRate, decideTaxRateChange } from '../domain/tax-rates.ts';
import { afterOf, type CatalogDeps } from './deps.ts';
import type { CatalogRepository, TaxRateRecord } from './ports.ts';
import { toTaxRateView } from './views.ts';

const stateOf = (r: TaxRateRecord) => ({ ...r, used: r.usedAt !== null });

/** Locked, so that attaching it to an item and changing it cannot interleave. */
async function rateOf(repo: CatalogRepository, id: string): Promise<TaxRateRecord> {
  const [rate] = await repo.findTaxRates([id], { lock: true });
  if (!rate) raise('tax-rate-not-found', 'No such tax rate.');
  return rate;
}

export function listTaxRates(deps: CatalogDeps): CatalogApi['listTaxRates'] {
  return (ctx, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const cursors = cursorScope('tax-rates', query.sort);
      const after = afterOf(cursors, query.cursor, ['u']);
      const rows = await repo.listTaxRates(query, query.limit + 1, after);
      return toPage(
        rows,
        query.limit,
        toTaxRateView,
        cursors.keyOf((r) => [r.id]),
      );
    });
}

export function createTaxRate(deps: CatalogDeps): CatalogApi['createTaxRate'] {
  return (ctx, input) =>
    deps.store.write(ctx.tenantId, async (repo) =>
      toTaxRateView(await repo.insertTaxRate({ id: newId(), ...input })),
    );
}

export function updateTaxRate(deps: CatalogDeps): CatalogApi['updateTaxRate'] {
  return (ctx, taxRateId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const rate = await rateOf(repo, taxRateId);
      const decision = decideTaxRateChange(stateOf(rate), input);
      if (!decision.ok) {
        raise(
          'tax-rate-in-use',
          'This rate has been attached to items, so it may have been charged: deactivate it and create a new rate instead.',
          { fields: decision.fields },
        );
      }
      if (Object.keys(decision.patch).length === 0) return toTaxRateView(rate);
      return toTaxRateView(await repo.updateTaxRate(taxRateId, decision.patch));
    });
}

export function deleteTaxRate(deps: CatalogDeps): CatalogApi['deleteTaxRate'] {
  return (ctx, taxRateId) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const rate = await rateOf(repo, taxRateId);
      if (!canDeleteTaxRate(stateOf(rate))) {
        raise('tax-rate-in-use', 'This rate has been attached to items: deactivate it instead.');
      }
      await repo.deleteTaxRate(taxRateId);
    });
}
