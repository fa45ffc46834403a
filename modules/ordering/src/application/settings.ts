import { setStoreSettingsInput, type OrderingApi } from '../contract.ts';
import { storeFor } from './create-order.ts';
import { assertStoreAccess } from './order-writer.ts';
import type { OrderingDeps } from './ports.ts';
import { toSettingsView } from './views.ts';

export function getStoreSettings(deps: OrderingDeps): OrderingApi['getStoreSettings'] {
  return (ctx, storeId) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) =>
      toSettingsView(storeId, await repo.findSettings(storeId)),
    );
  };
}

/** Applies to orders placed from now on: an open order keeps the rounding it was placed under. */
export function setStoreSettings(deps: OrderingDeps): OrderingApi['setStoreSettings'] {
  return async (ctx, storeId, raw) => {
    const input = setStoreSettingsInput.parse(raw);
    await storeFor(deps, ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) => {
      const before = await repo.findSettings(storeId);
      const after = await repo.saveSettings(storeId, input.rounding);
      await repo.audit({
        action: 'store-settings.changed',
        entityType: 'store',
        entityId: storeId,
        before: { rounding: before?.rounding ?? null },
        after: { rounding: after.rounding },
      });
      return toSettingsView(storeId, after);
    });
  };
}
