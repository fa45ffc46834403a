import { and, arrayContains, asc, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import {
  createOutbox,
  isUniqueViolation,
  rowsOf,
  type Database,
  type Tx,
  type RelayLink,
} from '@stratum/platform';
import { raise, type Role } from '../../contract.ts';
import type {
  DeviceRecord,
  IdentityRepository,
  IdentityStore,
  KeyStore,
  StoredSigningKey,
  UserRecord,
} from '../../application/ports.ts';
import { devices, outbox, refreshTokens, sessions, signingKeys, tenants, users } from './schema.ts';

type UserRow = typeof users.$inferSelect;
type DeviceRow = typeof devices.$inferSelect;

const toUser = (r: UserRow): UserRecord => ({ ...r, roles: r.roles as Role[] });
const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  storeId: r.storeId,
  name: r.name,
  status: r.revokedAt ? 'revoked' : 'active',
  createdAt: r.createdAt,
  lastSeenAt: r.lastSeenAt,
});

function repository(tx: Tx, tenantId: string, wakeRelay: RelayLink): IdentityRepository {
  const events = createOutbox(outbox, wakeRelay);
  return {
    async insertTenant(t) {
      const [row] = await tx.insert(tenants).values({ tenantId: t.id, name: t.name }).returning();
      return { id: row!.tenantId, name: row!.name, createdAt: row!.createdAt.toISOString() };
    },
    async getTenant() {
      const [row] = await tx.select().from(tenants);
      if (!row) throw new Error('tenant row missing');
      return { id: row.tenantId, name: row.name, createdAt: row.createdAt.toISOString() };
    },

    async insertUser(u) {
      try {
        const [row] = await tx.insert(users).values(u).returning();
        return toUser(row as UserRow);
      } catch (err) {
        if (isUniqueViolation(err, 'users_email_key')) {
          raise('email-taken', 'This e-mail address already has an account.');
        }
        throw err;
      }
    },
    async findUser(id) {
      const [row] = await tx.select().from(users).where(eq(users.id, id));
      return row && toUser(row);
    },
    async findUserByEmail(email) {
      const [row] = await tx
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`);
      return row && toUser(row);
    },
    async listUsers(query, after) {
      const ascending = query.sort === 'createdAt';
      const rows = await tx
        .select()
        .from(users)
        .where(
          and(
            eq(users.tenantId, tenantId),
            query.status ? eq(users.active, query.status === 'active') : undefined,
            query.role ? arrayContains(users.roles, [query.role]) : undefined,
            after ? (ascending ? gt(users.id, after) : lt(users.id, after)) : undefined,
          ),
        )
        .orderBy(ascending ? asc(users.id) : desc(users.id))
        .limit(query.limit);
      return rows.map(toUser);
    },
    async updateUser(id, patch) {
      const [row] = await tx
        .update(users)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning();
      if (!row) raise('user-not-found', 'No such user.');
      return toUser(row);
    },
    async lockActiveOwners() {
      const rows = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.active, true), arrayContains(users.roles, ['owner'])))
        .for('update');
      return rows.length;
    },

    async insertSession(s) {
      await tx.insert(sessions).values({ ...s, tenantId });
    },
    async findSession(id) {
      const [row] = await tx.select().from(sessions).where(eq(sessions.id, id));
      return row && { ...row, kind: row.kind };
    },
    async revokeSessions(filter, reason) {
      const rows = await tx
        .update(sessions)
        .set({ revokedAt: sql`now()`, revokedReason: reason })
        .where(
          and(
            isNull(sessions.revokedAt),
            'sessionId' in filter
              ? eq(sessions.id, filter.sessionId)
              : eq(sessions.userId, filter.userId),
          ),
        )
        .returning({ id: sessions.id });
      return rows.map((r) => r.id);
    },

    async insertRefreshToken(t) {
      await tx.insert(refreshTokens).values({ ...t, tenantId });
    },
    async findRefreshToken(tokenHash) {
      const [row] = await tx
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash));
      return row;
    },
    async markRefreshTokenUsed(id) {
      const rows = await tx
        .update(refreshTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt)))
        .returning({ id: refreshTokens.id });
      return rows.length === 1;
    },

    async insertDevice(d) {
      const [row] = await tx.insert(devices).values(d).returning();
      return toDevice(row as DeviceRow);
    },
    async findDevice(id) {
      const [row] = await tx.select().from(devices).where(eq(devices.id, id));
      return row && toDevice(row);
    },
    async findDeviceByTokenHash(tokenHash) {
      const [row] = await tx.select().from(devices).where(eq(devices.tokenHash, tokenHash));
      return row && toDevice(row);
    },
    async listDevices() {
      return (await tx.select().from(devices).orderBy(asc(devices.id))).map(toDevice);
    },
    async updateDevice(id, patch) {
      const [row] = await tx
        .update(devices)
        .set({
          ...(patch.revoked && { revokedAt: sql`coalesce(${devices.revokedAt}, now())` }),
          ...(patch.seen && { lastSeenAt: sql`now()` }),
        })
        .where(eq(devices.id, id))
        .returning();
      if (!row) raise('device-not-found', 'No such device.');
      return toDevice(row);
    },

    async emit(event, payload) {
      await events.add(tx, event, payload, tenantId);
    },
  };
}

async function lookup(database: Database, fn: string, key: string): Promise<string | undefined> {
  const [row] = rowsOf<{ tenant_id: string | null }>(
    await database.db.execute(sql`select ${sql.raw(`identity.${fn}`)}(${key}) as tenant_id`),
  );
  return row?.tenant_id ?? undefined;
}

export function pgIdentityStore(database: Database, wakeRelay: RelayLink): IdentityStore {
  return {
    inTenant: (tenantId, fn) =>
      database.transaction((tx) => fn(repository(tx, tenantId, wakeRelay)), { tenantId }),
    tenantOfEmail: (email) => lookup(database, 'tenant_of_email', email),
    tenantOfRefreshToken: (hash) => lookup(database, 'tenant_of_refresh_token', hash),
    tenantOfDeviceToken: (hash) => lookup(database, 'tenant_of_device_token', hash),
  };
}

export function pgKeyStore(database: Database): KeyStore {
  const { db } = database;
  return {
    async list(): Promise<StoredSigningKey[]> {
      const rows = await db.select().from(signingKeys);
      return rows.map((r) => ({
        kid: r.kid,
        publicJwk: r.publicJwk as StoredSigningKey['publicJwk'],
        privateJwk: r.privateJwk as StoredSigningKey['privateJwk'],
        createdAt: r.createdAt,
        retiredAt: r.retiredAt,
        expiresAt: r.expiresAt,
      }));
    },
    async insert(key) {
      await db
        .insert(signingKeys)
        .values({ kid: key.kid, publicJwk: key.publicJwk, privateJwk: key.privateJwk });
    },
    async retireAllExcept(keepKid, expiresAt) {
      await db
        .update(signingKeys)
        .set({ retiredAt: sql`now()`, expiresAt })
        .where(and(isNull(signingKeys.retiredAt), sql`${signingKeys.kid} <> ${keepKid}`));
    },
  };
}
