import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import {
  bearer,
  captureLogs,
  signUpTenant,
  startTestServer,
  testEngines,
  type SignedUp,
  type TestServer,
} from '@stratum/testing';

const storeA = '01900000-0000-7000-8000-0000000000a1';
const storeB = '01900000-0000-7000-8000-0000000000b2';

type Tokens = { accessToken: string; refreshToken: string };

describe.each(testEngines())('identity through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let owner: SignedUp;
  const logs = captureLogs('debug');
  const secrets: string[] = [];

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    token?: string,
    payload?: object,
    headers = {},
  ) =>
    server.app.inject({
      method,
      url: `/api/v1/identity${url}`,
      headers: { ...(token && bearer(token)), ...headers },
      ...(payload && { payload }),
    });

  const login = async (email: string, password: string): Promise<Tokens> => {
    const res = await call('POST', '/auth/login', undefined, { email, password });
    expect(res.statusCode, res.body).toBe(200);
    const tokens = res.json<Tokens>();
    secrets.push(tokens.accessToken, tokens.refreshToken);
    return tokens;
  };

  let staffCount = 0;
  const createStaff = async (
    token: string,
    roles: string[],
    extra: Record<string, unknown> = {},
  ) => {
    staffCount += 1;
    const email = `staff${staffCount}-${engine}-${Date.now()}@example.test`;
    const password = `staff password ${staffCount}`;
    secrets.push(password);
    const res = await call('POST', '/users', token, {
      email,
      displayName: `Staff ${staffCount}`,
      roles,
      password,
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return { ...res.json<{ id: string }>(), email, password };
  };

  beforeAll(async () => {
    t = await startTestServer(engine, {
      logger: logs.logger,
      env: { RATE_LIMIT_LOGIN_ACCOUNT: '5/60', RATE_LIMIT_PIN_ACCOUNT: '5/60' },
    });
    server = t.server;
    owner = await signUpTenant(server, 'Café Central');
    secrets.push(owner.password, owner.accessToken, owner.refreshToken);
  });
  afterAll(() => t?.close());

  describe('sign-up and login', () => {
    it('refuses a second account for the same e-mail, whatever its case', async () => {
      const res = await call('POST', '/signup', undefined, {
        businessName: 'Copycat',
        ownerEmail: owner.email.toUpperCase(),
        password: 'another long password',
      });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'email-taken' });
    });

    it('answers a wrong password and an unknown e-mail with the same problem', async () => {
      const wrong = await call('POST', '/auth/login', undefined, {
        email: owner.email,
        password: 'not the password',
      });
      const unknown = await call('POST', '/auth/login', undefined, {
        email: 'nobody@example.test',
        password: 'whatever',
      });
      expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
      expect(wrong.json().code).toBe('invalid-credentials');
      expect(unknown.json().code).toBe('invalid-credentials');
    });

    it('issues a 15-minute EdDSA access token carrying tenant, roles, permissions and stores', async () => {
      const tokens = await login(owner.email, owner.password);
      expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({
        alg: 'EdDSA',
        typ: 'at+jwt',
      });
      const claims = decodeJwt(tokens.accessToken);
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(claims).toMatchObject({
        sub: owner.userId,
        tid: owner.tenantId,
        roles: ['owner'],
        stores: ['*'],
      });
      expect(claims['perms']).toEqual(
        expect.arrayContaining(['users:read', 'users:write', 'devices:write']),
      );
    });

    it('tells the signed-in user who they are', async () => {
      const res = await call('GET', '/me', owner.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        user: { id: owner.userId, email: owner.email, roles: ['owner'], status: 'active' },
        tenant: { id: owner.tenantId, name: 'Café Central' },
        stores: ['*'],
      });
    });

    it('rejects a request without a token, and one with a forged token', async () => {
      expect((await call('GET', '/me')).json()).toMatchObject({
        status: 401,
        code: 'unauthenticated',
      });
      const forged = `${owner.accessToken.slice(0, -4)}AAAA`;
      expect((await call('GET', '/me', forged)).json()).toMatchObject({
        status: 401,
        code: 'invalid-token',
      });
    });
  });

  describe('staff management', () => {
    it('creates staff with roles and lists them a page at a time', async () => {
      await createStaff(owner.accessToken, ['cashier']);
      await createStaff(owner.accessToken, ['kitchen']);
      const first = await call('GET', '/users?limit=2', owner.accessToken);
      expect(first.statusCode).toBe(200);
      const page1 = first.json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect(page1.items).toHaveLength(2);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const second = await call(
        'GET',
        `/users?limit=2&cursor=${page1.nextCursor}`,
        owner.accessToken,
      );
      const page2 = second.json<{ items: { id: string }[] }>();
      expect(page2.items.length).toBeGreaterThan(0);
      expect(page2.items.map((u) => u.id)).not.toContain(page1.items[0]!.id);
      const kitchen = await call('GET', '/users?role=kitchen', owner.accessToken);
      expect(
        kitchen
          .json<{ items: { roles: string[] }[] }>()
          .items.every((u) => u.roles.includes('kitchen')),
      ).toBe(true);
    });

    it('answers a cursor it did not issue with a problem, not a 500', async () => {
      const res = await call('GET', '/users?cursor=not-a-cursor', owner.accessToken);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('invalid-cursor');
      // Nor one issued for the other order: it would skip users.
      const first = await call('GET', '/users?limit=1&sort=-createdAt', owner.accessToken);
      const { nextCursor } = first.json<{ nextCursor: string }>();
      const other = await call(
        'GET',
        `/users?sort=createdAt&cursor=${nextCursor}`,
        owner.accessToken,
      );
      expect(other.json().code).toBe('invalid-cursor');
    });

    it('lists every failing field when the input is invalid', async () => {
      const res = await call('POST', '/users', owner.accessToken, {
        displayName: '',
        roles: ['janitor'],
        pin: '12',
      });
      expect(res.statusCode).toBe(400);
      const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining(['body.displayName', 'body.roles.0', 'body.pin']),
      );
    });

    it('forbids a cashier from managing staff', async () => {
      const cashier = await createStaff(owner.accessToken, ['cashier']);
      const tokens = await login(cashier.email, cashier.password);
      const res = await call('GET', '/users', tokens.accessToken);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'permission-denied', permission: 'users:read' });
    });

    it('lets a manager hire cashiers but not owners or other managers', async () => {
      const manager = await createStaff(owner.accessToken, ['manager']);
      const tokens = await login(manager.email, manager.password);
      const asOwner = await call('POST', '/users', tokens.accessToken, {
        displayName: 'Boss',
        roles: ['owner'],
        pin: '1234',
      });
      expect(asOwner.statusCode).toBe(403);
      expect(asOwner.json().code).toBe('role-not-assignable');
      const cashier = await call('POST', '/users', tokens.accessToken, {
        displayName: 'Till',
        roles: ['cashier'],
        pin: '1234',
      });
      expect(cashier.statusCode).toBe(201);
    });

    it('applies a role change at the next refresh', async () => {
      const staff = await createStaff(owner.accessToken, ['cashier']);
      const before = await login(staff.email, staff.password);
      const promote = await call('PATCH', `/users/${staff.id}`, owner.accessToken, {
        roles: ['manager'],
      });
      expect(promote.statusCode).toBe(200);
      expect((await call('GET', '/users', before.accessToken)).statusCode).toBe(403);
      const refreshed = await call('POST', '/auth/refresh', undefined, {
        refreshToken: before.refreshToken,
      });
      expect(refreshed.statusCode).toBe(200);
      const after = refreshed.json<Tokens>();
      secrets.push(after.accessToken, after.refreshToken);
      expect((await call('GET', '/users', after.accessToken)).statusCode).toBe(200);
    });

    it('ends a deactivated user’s sessions at once, and lets them back after reactivation', async () => {
      const staff = await createStaff(owner.accessToken, ['cashier']);
      const tokens = await login(staff.email, staff.password);
      const off = await call('POST', `/users/${staff.id}/deactivate`, owner.accessToken);
      expect(off.json()).toMatchObject({ status: 'deactivated' });
      const refresh = await call('POST', '/auth/refresh', undefined, {
        refreshToken: tokens.refreshToken,
      });
      expect(refresh.statusCode).toBe(401);
      expect((await call('GET', '/me', tokens.accessToken)).json().code).toBe('session-revoked');
      const again = await call('POST', '/auth/login', undefined, {
        email: staff.email,
        password: staff.password,
      });
      expect(again.json().code).toBe('account-deactivated');
      await call('POST', `/users/${staff.id}/reactivate`, owner.accessToken);
      await login(staff.email, staff.password);
    });

    it('keeps at least one active owner and refuses self-deactivation', async () => {
      const self = await call('POST', `/users/${owner.userId}/deactivate`, owner.accessToken);
      expect(self.json()).toMatchObject({ status: 409, code: 'cannot-deactivate-self' });
      const demote = await call('PATCH', `/users/${owner.userId}`, owner.accessToken, {
        roles: ['manager'],
      });
      expect(demote.json()).toMatchObject({ status: 409, code: 'last-owner' });
    });

    it('answers an unknown user id with 404 and a malformed one with 400', async () => {
      const missing = await call(
        'GET',
        '/users/01900000-0000-7000-8000-000000000000',
        owner.accessToken,
      );
      expect(missing.json()).toMatchObject({ status: 404, code: 'user-not-found' });
      const malformed = await call('GET', '/users/42', owner.accessToken);
      expect(malformed.json()).toMatchObject({ status: 400, code: 'validation-failed' });
    });
  });

  describe('sessions', () => {
    it('rotates the refresh token on every use and revokes the family when a spent one returns', async () => {
      const first = await login(owner.email, owner.password);
      const res = await call('POST', '/auth/refresh', undefined, {
        refreshToken: first.refreshToken,
      });
      const second = res.json<Tokens>();
      secrets.push(second.accessToken, second.refreshToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const replay = await call('POST', '/auth/refresh', undefined, {
        refreshToken: first.refreshToken,
      });
      expect(replay.json()).toMatchObject({ status: 401, code: 'refresh-token-reused' });
      const sibling = await call('POST', '/auth/refresh', undefined, {
        refreshToken: second.refreshToken,
      });
      expect(sibling.statusCode).toBe(401);
      expect((await call('GET', '/me', second.accessToken)).json().code).toBe('session-revoked');
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const tokens = await login(owner.email, owner.password);
      const results = await Promise.all([
        call('POST', '/auth/refresh', undefined, { refreshToken: tokens.refreshToken }),
        call('POST', '/auth/refresh', undefined, { refreshToken: tokens.refreshToken }),
      ]);
      for (const r of results)
        if (r.statusCode === 200)
          secrets.push(r.json<Tokens>().refreshToken, r.json<Tokens>().accessToken);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    });

    it('logs out: the access token and the refresh token stop working', async () => {
      const tokens = await login(owner.email, owner.password);
      const out = await call('POST', '/auth/logout', tokens.accessToken);
      expect(out.statusCode).toBe(204);
      expect((await call('GET', '/me', tokens.accessToken)).json().code).toBe('session-revoked');
      const refresh = await call('POST', '/auth/refresh', undefined, {
        refreshToken: tokens.refreshToken,
      });
      expect(refresh.json().code).toBe('invalid-refresh-token');
    });

    it('publishes the signing keys and keeps old tokens valid across a key rotation', async () => {
      const before = await login(owner.email, owner.password);
      const oldKid = decodeProtectedHeader(before.accessToken).kid;
      const jwks = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
      expect(jwks.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toContain(oldKid);

      const newKid = await server.identity.keys.rotate();
      expect((await call('GET', '/me', before.accessToken)).statusCode).toBe(200);
      const after = await login(owner.email, owner.password);
      expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
      const kids = (
        await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
      ).json<{ keys: { kid: string; d?: string }[] }>().keys;
      expect(kids.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
      expect(kids.every((k) => k.d === undefined)).toBe(true);
    });
  });

  describe('devices and PIN login', () => {
    let deviceToken: string;
    let deviceId: string;
    const pinFor = new Map<string, string>();

    beforeAll(async () => {
      const res = await call('POST', '/devices', owner.accessToken, {
        storeId: storeA,
        name: 'Till 1',
      });
      expect(res.statusCode).toBe(201);
      ({ deviceToken } = res.json<{ deviceToken: string }>());
      deviceId = res.json<{ device: { id: string } }>().device.id;
      secrets.push(deviceToken);
    });

    const pinLogin = (userId: string, pin: string, token = deviceToken) =>
      call('POST', '/auth/pin', undefined, { userId, pin }, { 'x-device-token': token });

    it('lets staff with a PIN log in on a registered device, scoped to its store', async () => {
      const cashier = await createStaff(owner.accessToken, ['cashier'], { pin: '4821' });
      pinFor.set(cashier.id, '4821');
      // A PIN is short enough to occur inside random hex ids: look for it as a JSON value.
      secrets.push('"4821"');
      const staff = await server.app.inject({
        method: 'GET',
        url: '/api/v1/identity/devices/current/staff',
        headers: { 'x-device-token': deviceToken },
      });
      expect(staff.json<{ staff: { id: string }[] }>().staff.map((s) => s.id)).toContain(
        cashier.id,
      );
      const res = await pinLogin(cashier.id, '4821');
      expect(res.statusCode, res.body).toBe(200);
      const tokens = res.json<Tokens>();
      secrets.push(tokens.accessToken, tokens.refreshToken);
      expect(decodeJwt(tokens.accessToken)).toMatchObject({
        sub: cashier.id,
        stores: [storeA],
        roles: ['cashier'],
      });
      const devices = await call('GET', '/devices', owner.accessToken);
      expect(
        devices
          .json<{ items: { id: string; lastSeenAt: string | null }[] }>()
          .items.find((d) => d.id === deviceId)?.lastSeenAt,
      ).not.toBeNull();
    });

    it('refuses a wrong PIN, a missing or unknown device, and a store the user may not work in', async () => {
      const restricted = await createStaff(owner.accessToken, ['cashier'], {
        pin: '7777',
        storeIds: [storeB],
      });
      expect((await pinLogin(restricted.id, '1111')).json().code).toBe('invalid-credentials');
      expect((await pinLogin(restricted.id, '7777')).json()).toMatchObject({
        status: 403,
        code: 'store-not-allowed',
      });
      expect((await pinLogin(restricted.id, '7777', 'dev_unknown-device-token')).json().code).toBe(
        'invalid-device',
      );
      const missing = await call('POST', '/auth/pin', undefined, {
        userId: restricted.id,
        pin: '7777',
      });
      expect(missing.json()).toMatchObject({ status: 400, code: 'validation-failed' });
    });

    it('limits PIN attempts per account and answers 429 with Retry-After', async () => {
      const target = await createStaff(owner.accessToken, ['kitchen'], { pin: '5555' });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await pinLogin(target.id, '0000')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const limited = await pinLogin(target.id, '5555');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json()).toMatchObject({ code: 'rate-limited' });
    });

    it('limits password attempts per account', async () => {
      const target = await createStaff(owner.accessToken, ['cashier']);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (
            await call('POST', '/auth/login', undefined, {
              email: target.email,
              password: 'wrong guess',
            })
          ).statusCode,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it('stops accepting a revoked device', async () => {
      const revoke = await call('POST', `/devices/${deviceId}/revoke`, owner.accessToken);
      expect(revoke.json()).toMatchObject({ status: 'revoked' });
      const [userId, pin] = [...pinFor.entries()][0]!;
      expect((await pinLogin(userId, pin)).json().code).toBe('invalid-device');
    });
  });

  it('never writes a password, PIN or token into the logs', () => {
    const text = logs.text();
    expect(text).toContain('request completed');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('tags each request’s log line with its request id, trace id, tenant and module', () => {
    const me = logs
      .lines()
      .find((l) => l['url'] === '/api/v1/identity/me' && l['statusCode'] === 200);
    expect(me).toMatchObject({
      requestId: expect.any(String),
      traceId: expect.stringMatching(/^[\da-f]{32}$/),
      tenantId: owner.tenantId,
      module: 'identity',
    });
  });
});

describe('rate limits per IP address', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', {
      env: { RATE_LIMIT_LOGIN_IP: '3/60', RATE_LIMIT_SIGNUP_IP: '2/60' },
    });
  });
  afterAll(() => t?.close());

  it('limits sign-ups from one address', async () => {
    const signUp = (n: number) =>
      t.server.app.inject({
        method: 'POST',
        url: '/api/v1/identity/signup',
        remoteAddress: '198.51.100.4',
        payload: {
          businessName: `Shop ${n}`,
          ownerEmail: `shop${n}-${Date.now()}@example.test`,
          password: 'long enough password',
        },
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signUp(i)).statusCode);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('limits logins from one address without affecting another', async () => {
    const attempt = (ip: string, n: number) =>
      t.server.app.inject({
        method: 'POST',
        url: '/api/v1/identity/auth/login',
        remoteAddress: ip,
        payload: { email: `probe${n}@example.test`, password: 'guess' },
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt('203.0.113.7', i)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await attempt('203.0.113.8', 9)).statusCode).toBe(401);
  });
});
