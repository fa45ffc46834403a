import { createHash, randomBytes } from 'node:crypto';
import {
  SignJWT,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import type { Authenticator, Principal } from '../http/access.ts';

export const ACCESS_TOKEN_ALG = 'EdDSA';

/** The claims of an access token, beyond the registered ones. */
export const accessClaimsSchema = z.object({
  sub: z.string(),
  tid: z.uuid(),
  roles: z.array(z.string()),
  perms: z.array(z.string()),
  stores: z.array(z.string()),
  sid: z.string(),
  act: z.enum(['user', 'service']).default('user'),
  /** The user's display name, for what staff see and print (a receipt's cashier). */
  name: z.string().max(120).optional(),
});
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** A fresh Ed25519 key pair, as JWKs tagged with a key id. */
export async function generateSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  return { kid, privateJwk, publicJwk };
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

export async function signAccessToken(
  key: SigningKey,
  claims: AccessClaims,
  settings: TokenSettings,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + settings.accessTtlSeconds;
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(await importJWK(key.privateJwk, ACCESS_TOKEN_ALG));
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Session ids revoked before their access tokens expire (logout, family
 * revocation). Checked on every authenticated request: a store that holds the
 * list in memory answers synchronously.
 */
export interface SessionRevocations {
  revoke(sessionId: string, untilEpochMs: number): Promise<void>;
  isRevoked(sessionId: string): boolean | Promise<boolean>;
}

export function inMemorySessionRevocations(now: () => number = Date.now): SessionRevocations {
  const revoked = new Map<string, number>();
  return {
    revoke(sessionId, until) {
      revoked.set(sessionId, Math.max(until, revoked.get(sessionId) ?? 0));
      return Promise.resolve();
    },
    isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      if (until === undefined) return false;
      if (until <= now()) {
        revoked.delete(sessionId);
        return false;
      }
      return true;
    },
  };
}

const invalidToken = (message: string, code = 'invalid-token') =>
  new DomainError(code, message, 'unauthenticated');

/**
 * Verifies access tokens against a key set (local, or a remote JWKS) and
 * turns their claims into a principal.
 */
export function jwtAuthenticator(options: {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  revocations?: SessionRevocations;
  /** Verified tokens remembered (until they expire) to skip signature checks; 0 turns it off. */
  cacheSize?: number;
}): Authenticator {
  // A terminal sends the same token for 15 minutes; verifying its signature
  // once is enough. Revocation is still checked on every request. Entries are
  // keyed by the token's signature and hold the whole token, which a hit must
  // equal: a header's string is new on every request, and hashing a 900-byte
  // token for the look-up cost more than the rest of a cached menu read (ADR 0010).
  const verified =
    options.cacheSize === 0
      ? undefined
      : new LRUCache<string, { bearer: string; principal: Principal; sessionId: string }>({
          max: options.cacheSize ?? 10_000,
        });
  const signatureOf = (bearer: string) => bearer.slice(bearer.lastIndexOf('.') + 1);
  // What `stillValid` checks again of each principal handed out.
  const handedOut = new WeakMap<Principal, { sessionId: string; expiresAt: number }>();
  const sessionEnded = () => invalidToken('The session has ended.', 'session-revoked');
  const verify = async (bearer: string): Promise<Principal> => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(bearer, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [ACCESS_TOKEN_ALG],
        typ: 'at+jwt',
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired)
        throw invalidToken('The access token has expired.', 'token-expired');
      // Keys that cannot be fetched say nothing about the token: 503, not 401.
      if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
        throw new DomainError(
          'token-keys-unavailable',
          'The keys that verify access tokens cannot be fetched right now.',
          'unavailable',
          { retryAfterSeconds: 1 },
        );
      }
      throw invalidToken('The access token is not valid.');
    }
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) throw invalidToken('The access token is missing claims.');
    const c = claims.data;
    if (options.revocations && (await options.revocations.isRevoked(c.sid))) {
      throw sessionEnded();
    }
    const principal: Principal = {
      tenantId: c.tid,
      actor: {
        kind: c.act,
        id: c.sub,
        roles: c.roles,
        permissions: c.perms,
        stores: c.stores,
        sessionId: c.sid,
        ...(c.name !== undefined && { name: c.name }),
      },
    };
    const exp = (payload as { exp?: unknown }).exp;
    const expiresAt = typeof exp === 'number' ? exp * 1000 : 0;
    const ttl = expiresAt - Date.now();
    if (ttl > 0) {
      handedOut.set(principal, { sessionId: c.sid, expiresAt });
      verified?.set(signatureOf(bearer), { bearer, principal, sessionId: c.sid }, { ttl });
    }
    return principal;
  };
  return {
    stillValid(principal) {
      const known = handedOut.get(principal);
      if (!known || known.expiresAt <= Date.now()) return false;
      const revoked = options.revocations?.isRevoked(known.sessionId) ?? false;
      return typeof revoked === 'boolean' ? !revoked : revoked.then((isRevoked) => !isRevoked);
    },
    authenticate(bearer) {
      const hit = verified?.get(signatureOf(bearer));
      if (hit?.bearer !== bearer) return verify(bearer);
      const revoked = options.revocations?.isRevoked(hit.sessionId) ?? false;
      if (revoked === false) return hit.principal;
      if (revoked === true) return Promise.reject(sessionEnded());
      return revoked.then((isRevoked) => {
        if (isRevoked) throw sessionEnded();
        return hit.principal;
      });
    },
  };
}

/** An opaque, high-entropy token and the hash that is stored in its place. */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

/** Opaque tokens carry 256 random bits, so a fast hash is enough to store them. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
