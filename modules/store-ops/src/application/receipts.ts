import { together } from '@stratum/platform';
import type { ReceiptNumberView, StoreOpsApi } from '../contract.ts';
import { raise } from '../contract.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import { requireRegister } from './registers.ts';

/**
 * Allocates the register's next receipt number in one transaction (ADR 0007).
 * With a reference, the sequence row is locked first and an earlier number
 * for the same reference is returned, so a retried checkout never burns one,
 * even once the register is deactivated or its store archived. Otherwise an
 * archived store's registers issue nothing: the statement that takes the
 * number checks the store itself, so the refusal costs the sale no statement
 * and the sequence does not move. The transaction commits with that statement
 * (`lastly`); a refusal is raised once it has committed nothing.
 */
export function allocateReceiptNumber(deps: StoreOpsDeps): StoreOpsApi['allocateReceiptNumber'] {
  return (ctx, registerId, options = {}) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const reference = options.reference ?? null;
      // The register is read with the lock (a refusal rolls the lock back).
      const [register, existing] = await together([
        requireRegister(repo, registerId),
        reference !== null ? repo.lockReceiptSequence(registerId, reference) : undefined,
      ]);
      assertStoreAccess(ctx, register.storeId);
      const named = (n: Omit<ReceiptNumberView, 'registerName'>) => ({
        ...n,
        registerName: register.name,
      });
      if (existing) return named(existing);
      if (register.status !== 'active') {
        raise('register-deactivated', 'A deactivated register issues no receipts.');
      }
      // The commit leaves with the statement that takes the number, so the sequence's
      // lock (every sale of the register queues for it) is held one round trip less.
      // Nothing is decided on its answer that the commit could get wrong: when it takes
      // nothing, it has written nothing, and committing the locks and reads above is
      // what rolling them back would be.
      const taken = await repo.lastly(() =>
        repo.takeReceiptNumber(registerId, reference, ctx.actor.id),
      );
      // The register was read above and registers are never deleted: nothing taken
      // means its store is archived.
      if (!taken) raise('store-archived', 'An archived store’s registers issue no receipts.');
      return named(taken);
    });
}
