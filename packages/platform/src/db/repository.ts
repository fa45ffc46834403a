import type { z } from 'zod';
import { recordAudit, type AuditEntry, type AuditTable } from '../audit.ts';
import type { EventDefinition } from '../messaging/envelope.ts';
import type { Outbox } from '../messaging/outbox.ts';
import { lastly } from './database.ts';
import type { Tx } from './types.ts';

type Joined<P extends readonly object[]> = P extends readonly [
  infer First extends object,
  ...infer Rest extends readonly object[],
]
  ? First & Joined<Rest>
  : unknown;

/**
 * A module's repository over one transaction, joined from the parts its
 * adapter builds for it (levels, reservations, outbox…); a later part's
 * method of the same name wins.
 *
 * Built with `Object.assign`, not an object literal of spreads: V8 gives each
 * spread past the first its properties one by one, moving the object through
 * a map transition per method, which cost 30–45 µs per repository of thirty
 * to forty methods, against 2–3 µs this way. Every transaction builds one, a
 * checkout ten (ADR 0016).
 */
export function joinRepository<const P extends readonly object[]>(...parts: P): Joined<P> {
  return Object.assign({}, ...parts) as Joined<P>;
}

/** What a module's unit of work offers besides its own statements. */
export interface UnitOfWork {
  /** Runs the unit's last statements, its commit sent with them (`lastly`, whose rules apply). */
  lastly<T>(writes: () => Promise<T>): Promise<T>;
  /** Writes an event to the module's outbox, published once the unit commits. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
  /** Appends an entry to the module's audit log. */
  audit(entry: AuditEntry): Promise<void>;
}

/** The `UnitOfWork` part of a repository over `tx`, for the module that owns `outbox` and `auditLog`. */
export function unitOfWork(
  tx: Tx,
  tenantId: string,
  outbox: Outbox,
  auditLog: AuditTable,
): UnitOfWork {
  return {
    lastly: (writes) => lastly(tx, writes),
    async emit(event, payload) {
      await outbox.add(tx, event, payload, tenantId);
    },
    async audit(entry) {
      await recordAudit(tx, auditLog, tenantId, entry);
    },
  };
}
