import {
  callContextOf,
  idempotencyKeyHeaders,
  markReplayed,
  pageOf,
  type StratumApp,
} from '@stratum/platform';
import {
  cashMovementInput,
  closeDrawerInput,
  drawerMovementView,
  drawerSessionView,
  listDrawerSessionsQuery,
  listMovementsQuery,
  openDrawerInput,
  recordDrawerMovementInput,
  xReport,
  zReport,
  type StoreOpsApi,
} from '../../contract.ts';
import { base, idParams, tags } from './store-routes.ts';

const operate = { access: { permission: 'drawers:operate' } } as const;

const idempotencyHeaders = idempotencyKeyHeaders(
  'a retry with the same key gets the same movement, never a second one',
);

/** Cash-drawer sessions: open, cash in/out, sales, X report, Z close. */
export function drawerRoutes(app: StratumApp, api: StoreOpsApi): void {
  app.post(
    `${base}/registers/:id/drawer`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'Open the register’s drawer with a counted float',
        params: idParams,
        body: openDrawerInput,
        response: { 201: drawerSessionView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await api.openDrawer(callContextOf(request), request.params.id, request.body)),
  );
  app.get(
    `${base}/registers/:id/drawer`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'The register’s open drawer session',
        params: idParams,
        response: { 200: drawerSessionView },
      },
    },
    (request) => api.currentDrawer(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/drawer-movements`,
    {
      config: { access: { permission: 'drawers:record-sales' } },
      schema: {
        tags,
        summary: 'Post a sale or refund to a register’s open drawer (idempotent on reference)',
        body: recordDrawerMovementInput,
        response: { 201: drawerMovementView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.recordDrawerMovement(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/drawer-sessions`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'List drawer sessions',
        querystring: listDrawerSessionsQuery,
        response: { 200: pageOf(drawerSessionView) },
      },
    },
    (request) => api.listDrawerSessions(callContextOf(request), request.query),
  );
  app.get(
    `${base}/drawer-sessions/:id`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'Get a drawer session',
        params: idParams,
        response: { 200: drawerSessionView },
      },
    },
    (request) => api.getDrawerSession(callContextOf(request), request.params.id),
  );
  for (const [path, kind] of [
    ['cash-in', 'cashIn'],
    ['cash-out', 'cashOut'],
  ] as const) {
    app.post(
      `${base}/drawer-sessions/:id/${path}`,
      {
        config: operate,
        schema: {
          tags,
          summary: kind === 'cashIn' ? 'Put cash into the drawer' : 'Take cash out of the drawer',
          description:
            'Moves money, so it takes an Idempotency-Key (400 `idempotency-key-required` ' +
            'without one). The same request again under the key answers the movement first ' +
            'recorded, with `Idempotent-Replayed: true`, even once the session has closed; ' +
            'another request under it is 422 `idempotency-key-reused`. The key is kept as ' +
            'the movement’s `reference`.',
          params: idParams,
          headers: idempotencyHeaders,
          body: cashMovementInput,
          response: { 201: drawerMovementView },
        },
      },
      async (request, reply) => {
        const { movement, replayed } = await api[kind](
          callContextOf(request),
          request.params.id,
          request.body,
          request.headers['idempotency-key'],
        );
        markReplayed(reply, replayed);
        return reply.status(201).send(movement);
      },
    );
  }
  app.get(
    `${base}/drawer-sessions/:id/movements`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'The session’s drawer ledger',
        params: idParams,
        querystring: listMovementsQuery,
        response: { 200: pageOf(drawerMovementView) },
      },
    },
    (request) => api.listDrawerMovements(callContextOf(request), request.params.id, request.query),
  );
  app.get(
    `${base}/drawer-sessions/:id/x-report`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'X report: the session’s running totals',
        params: idParams,
        response: { 200: xReport },
      },
    },
    (request) => api.xReport(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/drawer-sessions/:id/close`,
    {
      config: { access: { permission: 'drawers:close' } },
      schema: {
        tags,
        summary: 'Z close: count the cash, record over/short, close the session for good',
        params: idParams,
        body: closeDrawerInput,
        response: { 201: zReport },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await api.closeDrawer(callContextOf(request), request.params.id, request.body)),
  );
  app.get(
    `${base}/drawer-sessions/:id/z-report`,
    {
      config: operate,
      schema: {
        tags,
        summary: 'The session’s Z report',
        params: idParams,
        response: { 200: zReport },
      },
    },
    (request) => api.getZReport(callContextOf(request), request.params.id),
  );
}
