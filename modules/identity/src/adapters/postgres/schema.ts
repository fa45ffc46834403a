import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { messagingTables, tenantIsolationPolicy } from '@stratum/platform';

export const identity = pgSchema('identity');

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** One row per tenant; the key is the tenant id itself. */
export const tenants = identity.table(
  'tenants',
  {
    tenantId: uuid('tenant_id').primaryKey(),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  () => [tenantIsolationPolicy()],
);

export const users = identity.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    email: text('email'),
    displayName: text('display_name').notNull(),
    roles: text('roles').array().notNull(),
    storeIds: uuid('store_ids').array(),
    passwordHash: text('password_hash'),
    pinHash: text('pin_hash'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // An e-mail address names one account across all tenants: login needs no tenant.
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    index('users_tenant_created_idx').on(t.tenantId, t.id),
    tenantIsolationPolicy(),
  ],
);

/** A login session: the family that all its rotated refresh tokens belong to. */
export const sessions = identity.table(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind', { enum: ['password', 'pin'] }).notNull(),
    deviceId: uuid('device_id'),
    stores: text('stores').array().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user_idx').on(t.tenantId, t.userId), tenantIsolationPolicy()],
);

export const refreshTokens = identity.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_session_idx').on(t.sessionId),
    tenantIsolationPolicy(),
  ],
);

/** A registered terminal (register) that staff may PIN into. */
export const devices = identity.table(
  'devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    lastSeenAt: ts('last_seen_at'),
  },
  (t) => [
    uniqueIndex('devices_token_hash_key').on(t.tokenHash),
    index('devices_tenant_idx').on(t.tenantId, t.id),
    tenantIsolationPolicy(),
  ],
);

/** Platform-wide token signing keys (not tenant data, so no RLS). */
export const signingKeys = identity.table('signing_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  retiredAt: ts('retired_at'),
  expiresAt: ts('expires_at'),
});

export const { outbox, inbox } = messagingTables(identity);
