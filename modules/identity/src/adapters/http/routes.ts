import { z } from 'zod';
import { principalOf, type StratumApp } from '@stratum/platform';
import {
  createUserInput,
  deviceView,
  listUsersQuery,
  loginInput,
  meView,
  page,
  pinLoginInput,
  refreshInput,
  registerDeviceInput,
  signUpInput,
  tenantView,
  tokenPair,
  updateUserInput,
  userView,
  type Caller,
  type IdentityApi,
  type Role,
} from '../../contract.ts';
import type { FastifyRequest } from 'fastify';

const idParams = z.object({ id: z.uuid() });
const serviceTokenInput = z.object({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lower-case service name'),
  secret: z.string().min(1).max(512),
});
const serviceTokenView = z.object({ accessToken: z.string(), expiresAt: z.iso.datetime() });
const deviceTokenHeaders = z.object({ 'x-device-token': z.string().min(10).max(200) });
const tags = ['identity'];

function callerOf(request: FastifyRequest): Caller {
  const { tenantId, actor } = principalOf(request);
  return {
    tenantId,
    userId: actor.id,
    roles: actor.roles as Role[],
    sessionId: actor.sessionId ?? '',
  };
}

const meta = (request: FastifyRequest) => ({ ip: request.ip });

/** HTTP binding of the identity API under /api/v1/identity. */
export function identityRoutes(
  api: IdentityApi,
  jwks: () => unknown,
  exchangeServiceSecret: (
    input: z.infer<typeof serviceTokenInput>,
    meta: { ip: string },
  ) => Promise<z.infer<typeof serviceTokenView>>,
) {
  return (app: StratumApp) => {
    app.get(
      '/.well-known/jwks.json',
      { schema: { tags, summary: 'Public keys that verify access tokens' } },
      async (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=60');
        return jwks();
      },
    );

    const base = '/api/v1/identity';
    app.post(
      `${base}/service-tokens`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary:
            'Exchange the shared service secret for a short-lived service token (services shape)',
          body: serviceTokenInput,
          response: { 200: serviceTokenView },
        },
      },
      (request) => exchangeServiceSecret(request.body, meta(request)),
    );
    app.post(
      `${base}/signup`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Sign up a business: creates the tenant and its owner, and logs the owner in',
          body: signUpInput,
          response: { 201: z.object({ tenant: tenantView, user: userView, tokens: tokenPair }) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await api.signUp(request.body, meta(request))),
    );
    app.post(
      `${base}/auth/login`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Log in with e-mail and password',
          body: loginInput,
          response: { 200: tokenPair },
        },
      },
      (request) => api.login(request.body, meta(request)),
    );
    app.post(
      `${base}/auth/pin`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Log in with a PIN on a registered device; the session is scoped to its store',
          headers: deviceTokenHeaders,
          body: pinLoginInput,
          response: { 200: tokenPair },
        },
      },
      (request) => api.pinLogin(request.headers['x-device-token'], request.body, meta(request)),
    );
    app.post(
      `${base}/auth/refresh`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Exchange a refresh token for new tokens',
          body: refreshInput,
          response: { 200: tokenPair },
        },
      },
      (request) => api.refresh(request.body.refreshToken),
    );
    app.post(
      `${base}/auth/logout`,
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'End the current session',
          response: { 204: z.null().describe('The session has ended') },
        },
      },
      async (request, reply) => {
        await api.logout(callerOf(request));
        return reply.status(204).send(null);
      },
    );
    app.get(
      `${base}/me`,
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'The signed-in user', response: { 200: meView } },
      },
      (request) => api.me(callerOf(request)),
    );

    app.get(
      `${base}/users`,
      {
        config: { access: { permission: 'users:read' } },
        schema: {
          tags,
          summary: 'List staff',
          querystring: listUsersQuery,
          response: { 200: page(userView) },
        },
      },
      (request) => api.listUsers(callerOf(request), request.query),
    );
    app.post(
      `${base}/users`,
      {
        config: { access: { permission: 'users:write' } },
        schema: {
          tags,
          summary: 'Create a staff user',
          body: createUserInput,
          response: { 201: userView },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await api.createUser(callerOf(request), request.body)),
    );
    app.get(
      `${base}/users/:id`,
      {
        config: { access: { permission: 'users:read' } },
        schema: {
          tags,
          summary: 'Get a staff user',
          params: idParams,
          response: { 200: userView },
        },
      },
      (request) => api.getUser(callerOf(request), request.params.id),
    );
    app.patch(
      `${base}/users/:id`,
      {
        config: { access: { permission: 'users:write' } },
        schema: {
          tags,
          summary: 'Change a staff user’s name, roles, stores, PIN or password',
          params: idParams,
          body: updateUserInput,
          response: { 200: userView },
        },
      },
      (request) => api.updateUser(callerOf(request), request.params.id, request.body),
    );
    app.post(
      `${base}/users/:id/deactivate`,
      {
        config: { access: { permission: 'users:write' } },
        schema: {
          tags,
          summary: 'Deactivate a user and end their sessions',
          params: idParams,
          response: { 200: userView },
        },
      },
      (request) => api.deactivateUser(callerOf(request), request.params.id),
    );
    app.post(
      `${base}/users/:id/reactivate`,
      {
        config: { access: { permission: 'users:write' } },
        schema: {
          tags,
          summary: 'Reactivate a user',
          params: idParams,
          response: { 200: userView },
        },
      },
      (request) => api.reactivateUser(callerOf(request), request.params.id),
    );

    app.post(
      `${base}/devices`,
      {
        config: { access: { permission: 'devices:write' } },
        schema: {
          tags,
          summary: 'Register a device (register) for a store; its token is shown once',
          body: registerDeviceInput,
          response: { 201: z.object({ device: deviceView, deviceToken: z.string() }) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await api.registerDevice(callerOf(request), request.body)),
    );
    app.get(
      `${base}/devices`,
      {
        config: { access: { permission: 'devices:read' } },
        schema: {
          tags,
          summary: 'List registered devices',
          response: { 200: z.object({ items: z.array(deviceView) }) },
        },
      },
      async (request) => ({ items: await api.listDevices(callerOf(request)) }),
    );
    app.post(
      `${base}/devices/:id/revoke`,
      {
        config: { access: { permission: 'devices:write' } },
        schema: {
          tags,
          summary: 'Revoke a device',
          params: idParams,
          response: { 200: deviceView },
        },
      },
      (request) => api.revokeDevice(callerOf(request), request.params.id),
    );
    app.get(
      `${base}/devices/current/staff`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Staff who may PIN in on the calling device',
          headers: deviceTokenHeaders,
          response: {
            200: z.object({
              storeId: z.uuid(),
              staff: z.array(z.object({ id: z.uuid(), displayName: z.string() })),
            }),
          },
        },
      },
      (request) => api.deviceStaff(request.headers['x-device-token']),
    );
  };
}
