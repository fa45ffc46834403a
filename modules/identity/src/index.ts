import { fileURLToPath } from 'node:url';
import {
  cachedServiceTokens,
  jwtAuthenticator,
  type ServiceTokens,
  type Authenticator,
  type ModuleDeps,
  type ModuleInstance,
  type ModuleManifest,
  type RateLimiter,
  type SessionRevocations,
} from '@stratum/platform';
import { identityPermissions, type IdentityApi } from './contract.ts';
import type { IdentitySettings } from './application/deps.ts';
import { createKeyRing, type KeyRing } from './application/key-ring.ts';
import type { Clock } from './application/ports.ts';
import { login, logout, me, pinLogin, refresh, signUp } from './application/sessions.ts';
import {
  createUser,
  deactivateUser,
  getUser,
  listUsers,
  reactivateUser,
  updateUser,
} from './application/users.ts';
import { deviceStaff, listDevices, registerDevice, revokeDevice } from './application/devices.ts';
import { exchangeServiceSecret, issueServiceToken } from './application/service-tokens.ts';
import { pgIdentityStore, pgKeyStore } from './adapters/postgres/store.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { identityRoutes } from './adapters/http/routes.ts';
import type { PermissionCatalog } from './domain/roles.ts';

export type { IdentitySettings } from './application/deps.ts';

export const identityManifest: ModuleManifest = {
  name: 'identity',
  migrations: {
    module: 'identity',
    schema: 'identity',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: identityPermissions,
};

export interface IdentityModuleDeps extends ModuleDeps {
  settings: IdentitySettings;
  limiter: RateLimiter;
  revocations: SessionRevocations;
  /** Every permission of every mounted module, with the roles that hold it. */
  permissions: PermissionCatalog;
  clock?: Clock;
}

export interface IdentityModule extends ModuleInstance {
  readonly api: IdentityApi;
  readonly keys: KeyRing;
  /** Verifies access tokens issued by this module. */
  readonly authenticator: Authenticator;
  /** Service tokens for this process's calls to modules hosted elsewhere. */
  serviceTokens(service: string): ServiceTokens;
}

export async function createIdentityModule(deps: IdentityModuleDeps): Promise<IdentityModule> {
  const clock = deps.clock ?? { now: () => new Date() };
  const keys = createKeyRing({
    store: pgKeyStore(deps.database),
    accessTtlSeconds: deps.settings.accessTtlSeconds,
    clock,
    logger: deps.logger,
  });
  await keys.init();
  const d = {
    store: pgIdentityStore(deps.database, deps.wakeRelay),
    keys,
    clock,
    limiter: deps.limiter,
    revocations: deps.revocations,
    permissions: deps.permissions,
    settings: deps.settings,
  };
  const api: IdentityApi = {
    signUp: signUp(d),
    login: login(d),
    pinLogin: pinLogin(d),
    refresh: refresh(d),
    logout: logout(d),
    me: me(d),
    listUsers: listUsers(d),
    getUser: getUser(d),
    createUser: createUser(d),
    updateUser: updateUser(d),
    deactivateUser: deactivateUser(d),
    reactivateUser: reactivateUser(d),
    registerDevice: registerDevice(d),
    listDevices: listDevices(d),
    revokeDevice: revokeDevice(d),
    deviceStaff: deviceStaff(d),
  };
  return {
    name: 'identity',
    api,
    keys,
    outbox,
    authenticator: jwtAuthenticator({
      keys: keys.getKey,
      issuer: deps.settings.issuer,
      audience: deps.settings.audience,
      revocations: deps.revocations,
    }),
    serviceTokens: (service) => cachedServiceTokens(() => issueServiceToken(d)(service)),
    registerRoutes: identityRoutes(api, () => keys.jwks(), exchangeServiceSecret(d)),
  };
}
