import { and, eq } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import type { IdempotencyRepository, IdempotencyScope } from '../../application/ports.ts';
import { idempotencyKeys } from './schema.ts';

export function idempotencyRepository(tx: Tx, tenantId: string): IdempotencyRepository {
  const named = (scope: IdempotencyScope, key: string) =>
    and(
      eq(idempotencyKeys.tenantId, tenantId),
      eq(idempotencyKeys.scope, scope),
      eq(idempotencyKeys.key, key),
    );
  return {
    async claimIdempotencyKey(scope, key, fingerprint) {
      // The insert waits on a claim another transaction has not committed yet;
      // under READ COMMITTED the select that follows sees what it committed.
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({ tenantId, scope, key, fingerprint })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length > 0) return undefined;
      const [row] = await tx
        .select({ fingerprint: idempotencyKeys.fingerprint, response: idempotencyKeys.response })
        .from(idempotencyKeys)
        .where(named(scope, key));
      // Keys are never deleted: a conflict always leaves a committed row to read.
      if (!row) throw new Error(`Idempotency-Key ${key} conflicted but cannot be read`);
      return row;
    },
    async answerIdempotencyKey(scope, key, response) {
      await tx.update(idempotencyKeys).set({ response }).where(named(scope, key));
    },
  };
}
