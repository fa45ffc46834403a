import type { StratumServer } from '@stratum/server';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let counter = 0;

/**
 * A small HTTP client for one test server: `call` injects a request (paths
 * without `/api/` are relative to `prefix`), `ok` also asserts the status and
 * returns the JSON body, `staff` creates a user with roles and logs them in.
 */
export function httpClient<B = unknown>(server: StratumServer, prefix: string) {
  const call = (
    method: Method,
    url: string,
    token: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    server.app.inject({
      method,
      url: url.startsWith('/api/') ? url : `${prefix}${url}`,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
      ...(payload && { payload }),
    });

  const ok = async <T = B>(
    status: number,
    method: Method,
    url: string,
    token: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<T> => {
    const res = await call(method, url, token, payload, headers);
    if (res.statusCode !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${res.statusCode} ${res.body}`);
    }
    return (res.body ? res.json() : undefined) as T;
  };

  const staff = async (
    ownerToken: string,
    roles: string[],
    extra: Record<string, unknown> = {},
  ) => {
    counter += 1;
    const email = `staff-${process.pid}-${Date.now()}-${counter}@example.test`;
    const password = `staff password ${counter}`;
    const user = await ok<{ id: string }>(201, 'POST', '/api/v1/identity/users', ownerToken, {
      email,
      displayName: `Staff ${counter}`,
      roles,
      password,
      ...extra,
    });
    const tokens = await ok<{ accessToken: string }>(
      200,
      'POST',
      '/api/v1/identity/auth/login',
      '',
      {
        email,
        password,
      },
    );
    return { id: user.id, email, password, accessToken: tokens.accessToken };
  };

  return { call, ok, staff };
}
