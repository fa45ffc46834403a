import { DomainError } from '@stratum/platform';
import type { StoreOpsApi } from '@stratum/store-ops/contract';
import { raise } from '../../contract.ts';
import type { Registers } from '../../application/ports.ts';

/** How many registers' stores a process keeps (a few bytes each). */
const kept = 10_000;

/**
 * Ordering's `Registers` port on store-ops' `getRegister`. A register never
 * moves to another store, so each answer is kept (per tenant, oldest dropped
 * first) and a till's every sale after its first costs no call.
 */
export function storeOpsRegisters(storeOps: Pick<StoreOpsApi, 'getRegister'>): Registers {
  const storeByRegister = new Map<string, string>();
  return {
    async storeOf(ctx, registerId) {
      const key = `${ctx.tenantId}:${registerId}`;
      const known = storeByRegister.get(key);
      if (known) return known;
      try {
        const { storeId } = await storeOps.getRegister(ctx, registerId);
        if (storeByRegister.size >= kept) {
          storeByRegister.delete(storeByRegister.keys().next().value!);
        }
        storeByRegister.set(key, storeId);
        return storeId;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'register-not-found') {
          raise('register-not-found', 'No such register.', { registerId });
        }
        throw err;
      }
    },
  };
}
