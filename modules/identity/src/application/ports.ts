import type { z } from 'zod';
import type { EventDefinition, SigningKey } from '@stratum/platform';
import type { DeviceView, ListUsersQuery, Role, TenantView } from '../contract.ts';

export interface UserRecord {
  id: string;
  tenantId: string;
  email: string | null;
  displayName: string;
  roles: Role[];
  storeIds: string[] | null;
  passwordHash: string | null;
  pinHash: string | null;
  active: boolean;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  kind: 'password' | 'pin';
  deviceId: string | null;
  stores: string[];
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface RefreshTokenRecord {
  id: string;
  sessionId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface DeviceRecord extends Omit<DeviceView, 'createdAt' | 'lastSeenAt'> {
  createdAt: Date;
  lastSeenAt: Date | null;
}

export type UserPatch = Partial<
  Pick<UserRecord, 'displayName' | 'roles' | 'storeIds' | 'passwordHash' | 'pinHash' | 'active'>
>;

/** Identity's data, inside one tenant-scoped transaction. */
export interface IdentityRepository {
  insertTenant(tenant: { id: string; name: string }): Promise<TenantView>;
  getTenant(): Promise<TenantView>;

  insertUser(user: Omit<UserRecord, 'createdAt' | 'active'>): Promise<UserRecord>;
  findUser(id: string): Promise<UserRecord | undefined>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  listUsers(query: ListUsersQuery, after?: string): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord>;
  /** Locks the tenant's active owners for the rest of the transaction and counts them. */
  lockActiveOwners(): Promise<number>;

  insertSession(session: Omit<SessionRecord, 'revokedAt'>): Promise<void>;
  findSession(id: string): Promise<SessionRecord | undefined>;
  /** Revokes sessions (one, or all of a user's) and returns the ids revoked. */
  revokeSessions(
    filter: { sessionId: string } | { userId: string },
    reason: string,
  ): Promise<string[]>;

  insertRefreshToken(token: RefreshTokenRecord & { tokenHash: string }): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks a token used; false if it already was (another request won the race). */
  markRefreshTokenUsed(id: string): Promise<boolean>;

  insertDevice(device: {
    id: string;
    tenantId: string;
    storeId: string;
    name: string;
    tokenHash: string;
  }): Promise<DeviceRecord>;
  findDevice(id: string): Promise<DeviceRecord | undefined>;
  findDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  updateDevice(id: string, patch: { revoked?: true; seen?: true }): Promise<DeviceRecord>;

  /** Records an integration event in the outbox, in this transaction. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
}

/** Entry point to identity's storage. */
export interface IdentityStore {
  inTenant<T>(tenantId: string, fn: (repo: IdentityRepository) => Promise<T>): Promise<T>;
  /** Pre-authentication look-ups: which tenant a credential belongs to. */
  tenantOfEmail(email: string): Promise<string | undefined>;
  tenantOfRefreshToken(tokenHash: string): Promise<string | undefined>;
  tenantOfDeviceToken(tokenHash: string): Promise<string | undefined>;
}

export interface StoredSigningKey extends SigningKey {
  createdAt: Date;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

/** The platform's token signing keys. */
export interface KeyStore {
  list(): Promise<StoredSigningKey[]>;
  insert(key: SigningKey): Promise<void>;
  /** Stops signing with every key but `keepKid`; they stay published until `expiresAt`. */
  retireAllExcept(keepKid: string, expiresAt: Date): Promise<void>;
}

export interface Clock {
  now(): Date;
}
