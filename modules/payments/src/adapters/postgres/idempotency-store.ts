import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type CallContext, type Database, type Tx } from '@stratum/platform';
import type { IdempotencyRecord } from '../../domain/idempotency.ts';
import type {
  IdempotencyKeyRetention,
  IdempotencyStore,
  StoredResponse,
} from '../../application/ports.ts';
import { idempotencyKeys } from './schema.ts';

type Row = typeof idempotencyKeys.$inferSelect;

function toRecord(row: Row): IdempotencyRecord<StoredResponse> {
  if (row.status === 'in-flight') return { state: 'in-flight', fingerprint: row.fingerprint };
  return {
    state: 'done',
    fingerprint: row.fingerprint,
    response: { status: row.responseStatus ?? 200, body: row.responseBody },
  };
}

/**
 * Idempotency-Key records in PostgreSQL. Every call is one short transaction
 * of the caller's tenant: the claim commits before the request is processed,
 * so a concurrent request with the same key sees it in flight, and no
 * transaction is held open while the processor is called.
 *
 * A claim whose request died with its process would hold the key forever; it
 * is a lease instead: after `leaseMs` the same request may take it over.
 *
 * Expired records are pruned across tenants by
 * `payments.prune_idempotency_keys` (migration 0003), a SECURITY DEFINER
 * function: the application role itself only ever sees one tenant's rows.
 */
export function pgIdempotencyStore(
  database: Database,
  options: { leaseMs?: number } = {},
): IdempotencyStore & IdempotencyKeyRetention {
  const leaseSeconds = (options.leaseMs ?? 5 * 60_000) / 1000;
  const key = (ctx: CallContext, scope: string, value: string) =>
    and(
      eq(idempotencyKeys.tenantId, ctx.tenantId),
      eq(idempotencyKeys.scope, scope),
      eq(idempotencyKeys.key, value),
    );
  const inTenant = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) =>
    database.transaction(fn, { tenantId: ctx.tenantId });

  return {
    async claim(ctx, scope, value, fingerprint) {
      // The row can vanish between the insert and the read (its request failed and
      // released it): then the key is free again and the claim is tried anew.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const outcome = await inTenant<{ claimed: boolean; row?: Row }>(ctx, async (tx) => {
          const claimed = await tx
            .insert(idempotencyKeys)
            .values({ tenantId: ctx.tenantId, scope, key: value, fingerprint, status: 'in-flight' })
            .onConflictDoUpdate({
              target: [idempotencyKeys.tenantId, idempotencyKeys.scope, idempotencyKeys.key],
              set: { claimedAt: sql`now()` },
              setWhere: sql`${idempotencyKeys.status} = 'in-flight'
                and ${idempotencyKeys.fingerprint} = excluded.fingerprint
                and ${idempotencyKeys.claimedAt} < now() - make_interval(secs => ${leaseSeconds})`,
            })
            .returning({ key: idempotencyKeys.key });
          if (claimed.length > 0) return { claimed: true };
          const [row] = await tx
            .select()
            .from(idempotencyKeys)
            .where(key(ctx, scope, value));
          return { claimed: false, ...(row && { row }) };
        });
        if (outcome.claimed) return undefined;
        if (outcome.row) return toRecord(outcome.row);
      }
      throw new Error(`Idempotency-Key ${value} could not be claimed`);
    },
    async complete(ctx, scope, value, response) {
      await inTenant(ctx, async (tx) => {
        await tx
          .update(idempotencyKeys)
          .set({ status: 'done', responseStatus: response.status, responseBody: response.body })
          .where(key(ctx, scope, value));
      });
    },
    async release(ctx, scope, value) {
      await inTenant(ctx, async (tx) => {
        await tx
          .delete(idempotencyKeys)
          .where(and(key(ctx, scope, value), eq(idempotencyKeys.status, 'in-flight')));
      });
    },
    async pruneExpired(retentionMs, limit) {
      // Age by the database's clock, not the module's: it is the one that wrote `created_at`.
      const retention = sql`make_interval(secs => ${retentionMs / 1000})`;
      const [row] = rowsOf<{ deleted: number }>(
        await database.db.execute(
          sql`select payments.prune_idempotency_keys(${retention}, ${limit}) as deleted`,
        ),
      );
      return Number(row?.deleted ?? 0);
    },
  };
}
