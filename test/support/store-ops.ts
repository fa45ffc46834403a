import { randomUUID } from 'node:crypto';
import type { StratumServer } from '@stratum/server';
import { httpClient } from '@stratum/testing';
import { sql } from 'drizzle-orm';
import { rowsOf, type EventEnvelope } from '@stratum/platform';

let counter = 0;

/** A loosely typed response body: the fields the store-ops tests read, and anything else. */
export interface Body {
  id: string;
  name: string;
  status: string;
  code: string;
  number: number;
  expectedCashMinor: number;
  cashInMinor: number;
  overShortMinor: number;
  items: Body[];
  nextCursor: string | null;
  [field: string]: unknown;
}

/** A small HTTP client for store-ops flows in one test server. */
export function storeOpsClient(server: StratumServer) {
  const http = httpClient<Body>(server, '/api/v1/store-ops');
  const { call, ok } = http;

  /** A fresh tenant whose owner has a store and a register. */
  const tenantWithRegister = async (currency = 'EUR') => {
    counter += 1;
    const signedUp = await ok<{
      tenant: { id: string };
      user: { id: string };
      tokens: { accessToken: string };
    }>(201, 'POST', '/api/v1/identity/signup', '', {
      businessName: `Store-ops tenant ${counter}`,
      ownerEmail: `so-owner-${process.pid}-${Date.now()}-${counter}@example.test`,
      password: 'a long owner password',
    });
    const owner = {
      tenantId: signedUp.tenant.id,
      userId: signedUp.user.id,
      accessToken: signedUp.tokens.accessToken,
    };
    const token = owner.accessToken;
    const store = await ok(201, 'POST', '/stores', token, {
      name: 'Main street',
      timezone: 'Europe/Paris',
      currency,
    });
    const register = await ok(201, 'POST', '/registers', token, {
      storeId: store.id,
      name: 'Till 1',
    });
    return { owner, token, store, register };
  };

  /** Creates a staff user with the roles (and optional store scope) and logs them in. */
  const staff = async (ownerToken: string, roles: string[], storeIds?: string[]) =>
    (await http.staff(ownerToken, roles, storeIds ? { storeIds } : {})).accessToken;

  /** An Idempotency-Key header: cash in and out move money, so they take one (fresh unless given). */
  const keyed = (key: string = randomUUID()) => ({ 'idempotency-key': key });

  return { call, ok, tenantWithRegister, staff, keyed };
}

/** Collects the store-ops events a server publishes. */
export function collectEvents(server: StratumServer, name: string) {
  const events: EventEnvelope[] = [];
  server.bus.subscribe({
    name,
    types: ['store-ops.store-created', 'store-ops.store-updated', 'store-ops.drawer-closed'],
    handle: async (e) => {
      events.push(e);
    },
  });
  return {
    of: (tenantId: string, type: string) =>
      events.filter((e) => e.tenantId === tenantId && e.type === type).map((e) => e.payload),
  };
}

export interface AuditRow {
  action: string;
  actor_id: string;
  reason: string | null;
  before: unknown;
  after: unknown;
}

/** The store-ops audit entries about one entity, oldest first. */
export function auditOf(server: StratumServer, tenantId: string, entityId: string) {
  return server.database.transaction(
    async (tx) =>
      rowsOf<AuditRow>(
        await tx.execute(
          sql`select action, actor_id, reason, before, after from store_ops.audit_log
              where entity_id = ${entityId} order by at, id`,
        ),
      ),
    { tenantId },
  );
}
