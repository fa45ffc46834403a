import { z } from 'zod';
import { defineErrors, defineEvent, type Raise } from '@stratum/platform';

/** The built-in staff roles. */
export const roles = ['owner', 'manager', 'cashier', 'kitchen'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Permissions the identity module checks, and the roles that hold them by default. */
export const identityPermissions = {
  'tenant:read': ['owner', 'manager'],
  'users:read': ['owner', 'manager'],
  'users:write': ['owner', 'manager'],
  'devices:read': ['owner', 'manager'],
  'devices:write': ['owner', 'manager'],
} as const satisfies Record<string, readonly Role[]>;

export const identityErrors = defineErrors({
  'email-taken': 'conflict',
  'invalid-credentials': 'unauthenticated',
  'account-deactivated': 'unauthenticated',
  'invalid-refresh-token': 'unauthenticated',
  'refresh-token-reused': 'unauthenticated',
  'invalid-device': 'unauthenticated',
  'store-not-allowed': 'forbidden',
  'role-not-assignable': 'forbidden',
  'user-not-manageable': 'forbidden',
  'last-owner': 'conflict',
  'cannot-deactivate-self': 'conflict',
  'user-not-found': 'not-found',
  'device-not-found': 'not-found',
});
export type IdentityErrorCode = keyof typeof identityErrors.codes;
export const raise: Raise<IdentityErrorCode> = identityErrors.raise;

const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const password = z.string().min(10, 'must be at least 10 characters').max(200);
const pin = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits');
const displayName = z.string().trim().min(1).max(120);

export const signUpInput = z.object({
  businessName: z.string().trim().min(2).max(120),
  ownerEmail: email,
  ownerName: displayName.optional(),
  password,
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const loginInput = z.object({ email, password: z.string().min(1).max(200) });
export type LoginInput = z.infer<typeof loginInput>;

export const pinLoginInput = z.object({ userId: z.uuid(), pin });
export const refreshInput = z.object({ refreshToken: z.string().min(10).max(200) });

export const tokenPair = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.iso.datetime(),
});
export type TokenPair = z.infer<typeof tokenPair>;

export const userStatus = z.enum(['active', 'deactivated']);
export const userView = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  /** Stores the user may work in; null means every store of the tenant. */
  storeIds: z.array(z.uuid()).nullable(),
  status: userStatus,
  hasPin: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof userView>;

export const createUserInput = z
  .object({
    email: email.optional(),
    displayName,
    roles: z.array(roleSchema).min(1).max(4),
    password: password.optional(),
    pin: pin.optional(),
    storeIds: z.array(z.uuid()).min(1).max(100).nullable().optional(),
  })
  .refine((u) => u.password === undefined || u.email !== undefined, {
    message: 'a password needs an e-mail to log in with',
    path: ['email'],
  })
  .refine((u) => u.password !== undefined || u.pin !== undefined, {
    message: 'give a password, a PIN or both',
    path: ['pin'],
  });
export type CreateUserInput = z.infer<typeof createUserInput>;

export const updateUserInput = z
  .object({
    displayName: displayName.optional(),
    roles: z.array(roleSchema).min(1).max(4).optional(),
    storeIds: z.array(z.uuid()).min(1).max(100).nullable().optional(),
    pin: pin.optional(),
    password: password.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateUserInput = z.infer<typeof updateUserInput>;

export const listUsersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: userStatus.optional(),
  role: roleSchema.optional(),
  sort: z.enum(['createdAt', '-createdAt']).default('createdAt'),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const registerDeviceInput = z.object({
  storeId: z.uuid(),
  name: z.string().trim().min(1).max(80),
});
export const deviceView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime().nullable(),
});
export type DeviceView = z.infer<typeof deviceView>;

export const tenantView = z.object({ id: z.uuid(), name: z.string(), createdAt: z.iso.datetime() });
export type TenantView = z.infer<typeof tenantView>;

export const meView = z.object({
  user: userView,
  tenant: tenantView,
  permissions: z.array(z.string()),
  stores: z.array(z.string()),
  sessionId: z.string(),
});

/** Integration events other contexts may follow. */
export const identityEvents = {
  tenantRegistered: defineEvent(
    'identity.tenant-registered',
    1,
    z.object({ tenantId: z.uuid(), name: z.string(), ownerUserId: z.uuid() }),
  ),
  userCreated: defineEvent(
    'identity.user-created',
    1,
    z.object({ userId: z.uuid(), displayName: z.string(), roles: z.array(roleSchema) }),
  ),
  userUpdated: defineEvent(
    'identity.user-updated',
    1,
    z.object({
      userId: z.uuid(),
      displayName: z.string(),
      roles: z.array(roleSchema),
      storeIds: z.array(z.uuid()).nullable(),
    }),
  ),
  userDeactivated: defineEvent('identity.user-deactivated', 1, z.object({ userId: z.uuid() })),
  userReactivated: defineEvent('identity.user-reactivated', 1, z.object({ userId: z.uuid() })),
  /**
   * A device was registered for a store. With `deviceRevoked`, it states the
   * device's state rather than a change to apply once: the devices registered
   * before these events had listeners were announced again, under new message
   * ids (migration 0002), so a consumer may hear of a device twice, or of its
   * revocation before its registration, and must end in the same state.
   */
  deviceRegistered: defineEvent(
    'identity.device-registered',
    1,
    z.object({ deviceId: z.uuid(), storeId: z.uuid(), name: z.string() }),
  ),
  /** A device stopped working for good; see `deviceRegistered` for repeats. */
  deviceRevoked: defineEvent(
    'identity.device-revoked',
    1,
    z.object({ deviceId: z.uuid(), storeId: z.uuid() }),
  ),
} as const;

/** The session a caller acts under, as the identity API sees it. */
export interface Caller {
  readonly tenantId: string;
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly sessionId: string;
}

/** Identity's public API: what other modules and the HTTP adapter may call. */
export interface IdentityApi {
  signUp(
    input: SignUpInput,
    meta: RequestMeta,
  ): Promise<{ tenant: TenantView; user: UserView; tokens: TokenPair }>;
  login(input: LoginInput, meta: RequestMeta): Promise<TokenPair>;
  pinLogin(
    deviceToken: string,
    input: z.infer<typeof pinLoginInput>,
    meta: RequestMeta,
  ): Promise<TokenPair>;
  refresh(refreshToken: string): Promise<TokenPair>;
  logout(caller: Caller): Promise<void>;
  me(caller: Caller): Promise<z.infer<typeof meView>>;
  listUsers(
    caller: Caller,
    query: ListUsersQuery,
  ): Promise<{ items: UserView[]; nextCursor: string | null }>;
  getUser(caller: Caller, userId: string): Promise<UserView>;
  createUser(caller: Caller, input: CreateUserInput): Promise<UserView>;
  updateUser(caller: Caller, userId: string, input: UpdateUserInput): Promise<UserView>;
  deactivateUser(caller: Caller, userId: string): Promise<UserView>;
  reactivateUser(caller: Caller, userId: string): Promise<UserView>;
  registerDevice(
    caller: Caller,
    input: z.infer<typeof registerDeviceInput>,
  ): Promise<{ device: DeviceView; deviceToken: string }>;
  listDevices(caller: Caller): Promise<DeviceView[]>;
  revokeDevice(caller: Caller, deviceId: string): Promise<DeviceView>;
  deviceStaff(
    deviceToken: string,
  ): Promise<{ storeId: string; staff: { id: string; displayName: string }[] }>;
}

/** Where a request came from, for rate limiting and audit. */
export interface RequestMeta {
  readonly ip: string;
}
