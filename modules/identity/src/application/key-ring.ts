import {
  createLocalJWKSet,
  errors as joseErrors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { generateSigningKey, newId, type Logger, type SigningKey } from '@stratum/platform';
import type { Clock, KeyStore, StoredSigningKey } from './ports.ts';

export interface KeyRing {
  /** Loads the keys, creating the first one if there is none. */
  init(): Promise<void>;
  /** The key new tokens are signed with. */
  signingKey(): SigningKey;
  /** The public keys whose tokens may still be alive. */
  jwks(): JSONWebKeySet;
  /** Key resolver for token verification; reloads once when it meets an unknown key id. */
  readonly getKey: JWTVerifyGetKey;
  /** Starts signing with a new key; tokens of the old ones verify until they expire. */
  rotate(): Promise<string>;
  reload(): Promise<void>;
  /** Stops the periodic reload. */
  stop(): void;
}

/**
 * Token signing keys with rotation. A retired key stops signing at once but
 * stays in the JWKS for one access-token lifetime (plus clock skew), so every
 * token signed before the rotation stays valid until it expires.
 */
export function createKeyRing(options: {
  store: KeyStore;
  accessTtlSeconds: number;
  clock: Clock;
  logger?: Logger;
  skewSeconds?: number;
  /** How often to pick up keys rotated by another process, in ms. */
  reloadIntervalMs?: number;
}): KeyRing {
  const { store, clock } = options;
  const graceMs = (options.accessTtlSeconds + (options.skewSeconds ?? 60)) * 1000;
  let keys: StoredSigningKey[] = [];
  let localSet = createLocalJWKSet({ keys: [] });
  let lastReload = 0;
  let timer: NodeJS.Timeout | undefined;

  const published = () => {
    const now = clock.now().getTime();
    return keys.filter((k) => !k.expiresAt || k.expiresAt.getTime() > now);
  };

  async function reload() {
    keys = await store.list();
    keys.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    localSet = createLocalJWKSet({ keys: published().map((k) => k.publicJwk) });
    lastReload = Date.now();
  }

  async function rotate(): Promise<string> {
    const key = await generateSigningKey(newId());
    await store.insert(key);
    await store.retireAllExcept(key.kid, new Date(clock.now().getTime() + graceMs));
    await reload();
    options.logger?.info({ kid: key.kid }, 'signing key rotated');
    return key.kid;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await localSet(header, token);
    } catch (err) {
      // Another process may have rotated: look again, at most every few seconds.
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - lastReload < 5000)
        throw err;
      await reload();
      return localSet(header, token);
    }
  };

  return {
    async init() {
      await reload();
      if (!keys.some((k) => !k.retiredAt)) await rotate();
      timer = setInterval(() => {
        reload().catch((err: unknown) =>
          options.logger?.warn({ err }, 'signing key reload failed'),
        );
      }, options.reloadIntervalMs ?? 60_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    signingKey() {
      const active = keys.find((k) => !k.retiredAt);
      if (!active) throw new Error('No active signing key; call init() first');
      return active;
    },
    jwks() {
      return { keys: published().map((k) => k.publicJwk) };
    },
    getKey,
    rotate,
    reload,
  };
}
