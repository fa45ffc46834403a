import type { StratumServer } from '@stratum/server';

export interface SignedUp {
  tenantId: string;
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

/** Signs up a fresh tenant through the HTTP API and returns its owner's credentials. */
export async function signUpTenant(server: StratumServer, name = 'Test Café'): Promise<SignedUp> {
  counter += 1;
  const email = `owner-${process.pid}-${Date.now()}-${counter}@example.test`;
  const password = 'a long owner password';
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/identity/signup',
    payload: { businessName: name, ownerEmail: email, password },
  });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const body = res.json<{
    tenant: { id: string };
    user: { id: string };
    tokens: { accessToken: string; refreshToken: string };
  }>();
  return {
    tenantId: body.tenant.id,
    userId: body.user.id,
    email,
    password,
    accessToken: body.tokens.accessToken,
    refreshToken: body.tokens.refreshToken,
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
