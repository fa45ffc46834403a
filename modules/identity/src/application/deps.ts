import type { RateLimit, RateLimiter, SessionRevocations } from '@stratum/platform';
import type { PermissionCatalog } from '../domain/roles.ts';
import type { KeyRing } from './key-ring.ts';
import type { Clock, IdentityStore } from './ports.ts';

export interface IdentitySettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  /** Lifetime of one refresh token; each use issues a new one. */
  refreshTtlSeconds: number;
  /** Absolute lifetime of a password session, however often it refreshes. */
  sessionTtlSeconds: number;
  /** Absolute lifetime of a PIN session on a device: one shift. */
  pinSessionTtlSeconds: number;
  /** Lifetime of a service token (services shape); default 300. */
  serviceTokenTtlSeconds?: number;
  /** The shared secret services exchange for service tokens; none: no service tokens. */
  serviceSecret?: string;
  limits: {
    signupPerIp: RateLimit;
    loginPerIp: RateLimit;
    loginPerAccount: RateLimit;
    pinPerIp: RateLimit;
    pinPerAccount: RateLimit;
  };
}

export interface IdentityDeps {
  store: IdentityStore;
  keys: KeyRing;
  clock: Clock;
  limiter: RateLimiter;
  revocations: SessionRevocations;
  permissions: PermissionCatalog;
  settings: IdentitySettings;
}
