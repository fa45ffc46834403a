import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, importJWK } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { describeSessionRevocationsContract } from './revocations.contract.ts';
import {
  generateSigningKey,
  hashOpaqueToken,
  inMemorySessionRevocations,
  jwtAuthenticator,
  newOpaqueToken,
  signAccessToken,
  type AccessClaims,
  type SessionRevocations,
  type SigningKey,
  type TokenSettings,
} from './tokens.ts';

const settings: TokenSettings = {
  issuer: 'https://stratum.test',
  audience: 'stratum-api',
  accessTtlSeconds: 900,
};

function claims(overrides: Partial<AccessClaims> = {}): AccessClaims {
  return {
    sub: 'user-1',
    tid: randomUUID(),
    roles: ['manager'],
    perms: ['catalog.read', 'catalog.write'],
    stores: ['store-1'],
    sid: 'session-1',
    act: 'user',
    ...overrides,
  };
}

function authenticatorFor(keys: SigningKey[], revocations?: SessionRevocations) {
  return jwtAuthenticator({
    keys: createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) }),
    issuer: settings.issuer,
    audience: settings.audience,
    ...(revocations && { revocations }),
  });
}

async function rejectionOf(result: unknown): Promise<DomainError> {
  const outcome = await Promise.resolve(result).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof DomainError))
    throw new Error(`expected a DomainError, got ${String(outcome)}`);
  return outcome;
}

/** Signs arbitrary claims and header with the key, bypassing signAccessToken's checks. */
async function signRaw(
  key: SigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...header })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(await importJWK(key.privateJwk, 'EdDSA'));
}

describe('generateSigningKey', () => {
  it('creates an Ed25519 key pair tagged with its key id, the public half without private parts', async () => {
    const key = await generateSigningKey('2026-01');

    expect(key.kid).toBe('2026-01');
    expect(key.publicJwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: '2026-01',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.privateJwk).toMatchObject({ kid: '2026-01', alg: 'EdDSA', d: expect.any(String) });
  });

  it('creates a different key each time', async () => {
    const a = await generateSigningKey('k');
    const b = await generateSigningKey('k');

    expect(a.publicJwk['x']).not.toBe(b.publicJwk['x']);
  });
});

describe('signAccessToken', () => {
  it('sets the expiry to the issue time plus the configured lifetime', async () => {
    const key = await generateSigningKey('k1');
    const now = new Date('2026-03-01T12:00:00.750Z');

    const { expiresAt } = await signAccessToken(key, claims(), settings, now);

    expect(expiresAt.toISOString()).toBe('2026-03-01T12:15:00.000Z');
  });
});

describe('jwtAuthenticator', () => {
  it('verifies a signed token and yields the principal it describes', async () => {
    const key = await generateSigningKey('k1');
    const c = claims();
    const { token } = await signAccessToken(key, c, settings);

    const principal = await authenticatorFor([key]).authenticate(token);

    expect(principal).toEqual({
      tenantId: c.tid,
      actor: {
        kind: 'user',
        id: 'user-1',
        roles: ['manager'],
        permissions: ['catalog.read', 'catalog.write'],
        stores: ['store-1'],
        sessionId: 'session-1',
      },
    });
  });

  it('carries the display name a token names into the actor', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims({ name: 'Ana' }), settings);

    const principal = await authenticatorFor([key]).authenticate(token);

    expect(principal.actor.name).toBe('Ana');
  });

  it('yields a service actor for a token issued to a service', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims({ act: 'service' }), settings);

    const principal = await authenticatorFor([key]).authenticate(token);

    expect(principal.actor.kind).toBe('service');
  });

  it('treats a token without an actor kind as a user', async () => {
    const key = await generateSigningKey('k1');
    const c = claims();
    const token = await signRaw(key, {
      sub: c.sub,
      tid: c.tid,
      roles: c.roles,
      perms: c.perms,
      stores: c.stores,
      sid: c.sid,
    });

    const principal = await authenticatorFor([key]).authenticate(token);

    expect(principal.actor.kind).toBe('user');
  });

  it('verifies tokens signed by any key of the key set, so keys can rotate', async () => {
    const old = await generateSigningKey('old');
    const current = await generateSigningKey('current');
    const authenticator = authenticatorFor([old, current]);

    const byOld = await signAccessToken(old, claims({ sub: 'a' }), settings);
    const byCurrent = await signAccessToken(current, claims({ sub: 'b' }), settings);

    expect((await authenticator.authenticate(byOld.token)).actor.id).toBe('a');
    expect((await authenticator.authenticate(byCurrent.token)).actor.id).toBe('b');
  });

  it('rejects an expired token with token-expired', async () => {
    const key = await generateSigningKey('k1');
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    const { token } = await signAccessToken(key, claims(), settings, anHourAgo);

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error).toMatchObject({ code: 'token-expired', kind: 'unauthenticated' });
  });

  it('rejects a token for another audience with invalid-token', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims(), { ...settings, audience: 'billing' });

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error).toMatchObject({ code: 'invalid-token', kind: 'unauthenticated' });
  });

  it('rejects a token from another issuer with invalid-token', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims(), {
      ...settings,
      issuer: 'https://evil.test',
    });

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a token whose signature was tampered with', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims(), settings);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);

    const error = await rejectionOf(
      authenticatorFor([key]).authenticate(`${header}.${payload}.${flipped}`),
    );

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a token whose claims were changed after signing', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims({ perms: [] }), settings);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as AccessClaims;
    const escalated = Buffer.from(JSON.stringify({ ...decoded, perms: ['*'] })).toString(
      'base64url',
    );

    const error = await rejectionOf(
      authenticatorFor([key]).authenticate(`${header}.${escalated}.${signature}`),
    );

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a token signed by a key outside the key set, even under a known key id', async () => {
    const trusted = await generateSigningKey('k1');
    const impostor = await generateSigningKey('k1');
    const { token } = await signAccessToken(impostor, claims(), settings);

    const error = await rejectionOf(authenticatorFor([trusted]).authenticate(token));

    expect(error.code).toBe('invalid-token');
  });

  it('rejects an unsigned token', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims(), settings);
    const payload = token.split('.')[1] ?? '';
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');

    const error = await rejectionOf(authenticatorFor([key]).authenticate(`${none}.${payload}.`));

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a signed JWT that is not typed as an access token', async () => {
    const key = await generateSigningKey('k1');
    const token = await signRaw(key, { ...claims() }, { typ: 'JWT' });

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a correctly signed token that lacks the access claims', async () => {
    const key = await generateSigningKey('k1');
    const { tid: _tid, ...withoutTenant } = claims();
    const token = await signRaw(key, withoutTenant);

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error).toMatchObject({
      code: 'invalid-token',
      message: expect.stringMatching(/claims/),
    });
  });

  it('rejects a token whose tenant id is not a UUID', async () => {
    const key = await generateSigningKey('k1');
    const token = await signRaw(key, { ...claims(), tid: 'tenant-1' });

    const error = await rejectionOf(authenticatorFor([key]).authenticate(token));

    expect(error.code).toBe('invalid-token');
  });

  it('rejects a string that is not a JWT at all', async () => {
    const key = await generateSigningKey('k1');

    const error = await rejectionOf(authenticatorFor([key]).authenticate('not-a-jwt'));

    expect(error.code).toBe('invalid-token');
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims(), settings);
    const authenticator = jwtAuthenticator({
      keys: createRemoteJWKSet(new URL('http://127.0.0.1:1/.well-known/jwks.json')),
      issuer: settings.issuer,
      audience: settings.audience,
    });

    const error = await rejectionOf(authenticator.authenticate(token));

    expect(error).toMatchObject({ code: 'token-keys-unavailable', kind: 'unavailable' });
  });

  it('says a principal it returned still stands until its session is revoked or its token expires', async () => {
    const key = await generateSigningKey('k1');
    const revocations = inMemorySessionRevocations();
    const authenticator = authenticatorFor([key], revocations);
    // Issued 14 minutes ago: one of its 15 minutes left.
    const nearlyDone = new Date(Date.now() - 14 * 60 * 1000);
    const ending = await signAccessToken(key, claims({ sid: 'session-2' }), settings, nearlyDone);
    const revoking = await signAccessToken(key, claims({ sid: 'session-1' }), settings);

    const soon = await authenticator.authenticate(ending.token);
    const later = await authenticator.authenticate(revoking.token);
    expect(authenticator.stillValid?.(soon)).toBe(true);
    expect(authenticator.stillValid?.(later)).toBe(true);
    // Only principals it handed out: an equal copy is not one.
    expect(authenticator.stillValid?.({ ...later })).toBe(false);

    await revocations.revoke('session-1', Date.now() + 60_000);
    expect(authenticator.stillValid?.(later)).toBe(false);
    expect(authenticator.stillValid?.(soon)).toBe(true);

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(ending.expiresAt);
      expect(authenticator.stillValid?.(soon)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a token whose session was revoked with session-revoked, and accepts other sessions', async () => {
    const key = await generateSigningKey('k1');
    const revocations = inMemorySessionRevocations();
    await revocations.revoke('session-1', Date.now() + 15 * 60 * 1000);
    const authenticator = authenticatorFor([key], revocations);
    const revoked = await signAccessToken(key, claims({ sid: 'session-1' }), settings);
    const other = await signAccessToken(key, claims({ sid: 'session-2' }), settings);

    const error = await rejectionOf(authenticator.authenticate(revoked.token));

    expect(error).toMatchObject({ code: 'session-revoked', kind: 'unauthenticated' });
    expect((await authenticator.authenticate(other.token)).actor.sessionId).toBe('session-2');
  });
});

describeSessionRevocationsContract(
  'inMemorySessionRevocations',
  () => inMemorySessionRevocations(),
  {
    answersSynchronously: true,
  },
);

describe('inMemorySessionRevocations', () => {
  it('reports a session revoked until the given time, and no longer from then on', async () => {
    let now = 1_000_000;
    const revocations = inMemorySessionRevocations(() => now);

    await revocations.revoke('s-1', now + 60_000);
    expect(await revocations.isRevoked('s-1')).toBe(true);

    now += 59_999;
    expect(await revocations.isRevoked('s-1')).toBe(true);

    now += 1;
    expect(await revocations.isRevoked('s-1')).toBe(false);
    now -= 1;
    expect(await revocations.isRevoked('s-1')).toBe(false);
  });

  it('reports a session that was never revoked as not revoked', async () => {
    const revocations = inMemorySessionRevocations(() => 0);

    expect(await revocations.isRevoked('unknown')).toBe(false);
  });

  it('extends a revocation when the same session is revoked again', async () => {
    let now = 0;
    const revocations = inMemorySessionRevocations(() => now);

    await revocations.revoke('s-1', 1_000);
    await revocations.revoke('s-1', 5_000);
    now = 2_000;

    expect(await revocations.isRevoked('s-1')).toBe(true);
  });

  it('keeps a later revocation when the same session is revoked again with an earlier expiry', async () => {
    let now = 0;
    const revocations = inMemorySessionRevocations(() => now);

    await revocations.revoke('s-1', 5_000);
    await revocations.revoke('s-1', 1_000);
    now = 2_000;
    expect(await revocations.isRevoked('s-1')).toBe(true);

    now = 5_000;
    expect(await revocations.isRevoked('s-1')).toBe(false);
  });
});

describe('opaque tokens', () => {
  it('prefixes each token and makes every one unique', () => {
    const tokens = Array.from({ length: 200 }, () => newOpaqueToken('rt').token);

    expect(new Set(tokens).size).toBe(200);
    for (const token of tokens) expect(token).toMatch(/^rt_[\w-]{43}$/);
  });

  it('returns the stable hash of the token, never the token itself', () => {
    const { token, hash } = newOpaqueToken('dev');

    expect(hash).toBe(hashOpaqueToken(token));
    expect(hashOpaqueToken(token)).toBe(hashOpaqueToken(token));
    expect(hash).not.toContain(token);
    expect(hash).toMatch(/^[\w-]{43}$/);
  });

  it('hashes different tokens differently', () => {
    const a = newOpaqueToken('rt');
    const b = newOpaqueToken('rt');

    expect(a.hash).not.toBe(b.hash);
    expect(hashOpaqueToken('rt_a')).not.toBe(hashOpaqueToken('rt_b'));
  });

  it('hashes a known token to its SHA-256 digest in base64url', () => {
    expect(hashOpaqueToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('jwtAuthenticator verification cache', () => {
  it('still refuses a remembered token once its session is revoked', async () => {
    const key = await generateSigningKey('cache-kid');
    const settings = { issuer: 'stratum', audience: 'stratum-api', accessTtlSeconds: 900 };
    const { token } = await signAccessToken(
      key,
      {
        sub: 'u1',
        tid: '01900000-0000-7000-8000-000000000001',
        roles: [],
        perms: [],
        stores: ['*'],
        sid: 's-cached',
        act: 'user',
      },
      settings,
    );
    const revocations = inMemorySessionRevocations();
    const auth = jwtAuthenticator({
      keys: createLocalJWKSet({ keys: [key.publicJwk] }),
      issuer: settings.issuer,
      audience: settings.audience,
      revocations,
    });
    expect((await auth.authenticate(token)).actor.sessionId).toBe('s-cached');
    // Verified before and not revoked: answered from memory, without a promise.
    const again = auth.authenticate(token);
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as Principal).actor.id).toBe('u1');
    await revocations.revoke('s-cached', Date.now() + 60_000);
    await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'session-revoked' });
  });

  it('refuses a token that shares the signature of a remembered token but not its claims', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims({ perms: [] }), settings);
    const auth = authenticatorFor([key]);
    expect((await auth.authenticate(token)).actor.permissions).toEqual([]);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as AccessClaims;
    const escalated = Buffer.from(JSON.stringify({ ...decoded, perms: ['*'] })).toString(
      'base64url',
    );

    const error = await rejectionOf(auth.authenticate(`${header}.${escalated}.${signature}`));

    expect(error.code).toBe('invalid-token');
    // The remembered token itself is still answered from memory.
    expect(auth.authenticate(token)).not.toBeInstanceOf(Promise);
  });

  it('waits for a revocation store that answers asynchronously before admitting a cached token', async () => {
    const key = await generateSigningKey('k1');
    const { token } = await signAccessToken(key, claims({ sid: 's-remote' }), settings);
    let revoked = false;
    const auth = jwtAuthenticator({
      keys: createLocalJWKSet({ keys: [key.publicJwk] }),
      issuer: settings.issuer,
      audience: settings.audience,
      revocations: {
        revoke: () => Promise.resolve(),
        isRevoked: () => Promise.resolve(revoked),
      },
    });
    expect((await auth.authenticate(token)).actor.sessionId).toBe('s-remote');

    revoked = true;
    const error = await rejectionOf(auth.authenticate(token));

    expect(error.code).toBe('session-revoked');
  });
});
