import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  allocateReceiptNumberInput,
  createRegisterInput,
  createSectionInput,
  createTableInput,
  listRegistersQuery,
  listSectionsQuery,
  listTablesQuery,
  receiptNumberView,
  registerView,
  sectionView,
  tableView,
  updateRegisterInput,
  updateSectionInput,
  updateTableInput,
  type StoreOpsApi,
} from '../../contract.ts';
import { base, idParams, tags } from './store-routes.ts';

const read = { access: { permission: 'stores:read' } } as const;
const write = { access: { permission: 'stores:write' } } as const;

/** Registers, receipt numbers and the floor plan (sections and tables). */
export function registerRoutes(app: StratumApp, api: StoreOpsApi): void {
  app.post(
    `${base}/registers`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a register in a store, optionally linked to an identity device',
        body: createRegisterInput,
        response: { 201: registerView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.createRegister(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/registers`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List registers',
        querystring: listRegistersQuery,
        response: { 200: pageOf(registerView) },
      },
    },
    (request) => api.listRegisters(callContextOf(request), request.query),
  );
  app.get(
    `${base}/registers/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a register',
        params: idParams,
        response: { 200: registerView },
      },
    },
    (request) => api.getRegister(callContextOf(request), request.params.id),
  );
  app.patch(
    `${base}/registers/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename a register or link/unlink its device',
        params: idParams,
        body: updateRegisterInput,
        response: { 200: registerView },
      },
    },
    (request) => api.updateRegister(callContextOf(request), request.params.id, request.body),
  );
  app.post(
    `${base}/registers/:id/deactivate`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Deactivate a register (its drawer must be closed)',
        params: idParams,
        response: { 200: registerView },
      },
    },
    (request) => api.deactivateRegister(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/registers/:id/receipt-numbers`,
    {
      config: { access: { permission: 'receipts:issue' } },
      schema: {
        tags,
        summary: 'Allocate the register’s next gapless receipt number',
        params: idParams,
        body: allocateReceiptNumberInput.nullish(),
        response: { 201: receiptNumberView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await api.allocateReceiptNumber(
            callContextOf(request),
            request.params.id,
            request.body ?? {},
          ),
        ),
  );

  app.post(
    `${base}/sections`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a floor-plan section',
        body: createSectionInput,
        response: { 201: sectionView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.createSection(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/stores/:id/sections`,
    {
      config: read,
      schema: {
        tags,
        summary: 'A store’s floor-plan sections (or its removed ones), in display order',
        params: idParams,
        querystring: listSectionsQuery,
        response: { 200: pageOf(sectionView) },
      },
    },
    (request) => api.listSections(callContextOf(request), request.params.id, request.query),
  );
  app.patch(
    `${base}/sections/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename or reorder a section',
        params: idParams,
        body: updateSectionInput,
        response: { 200: sectionView },
      },
    },
    (request) => api.updateSection(callContextOf(request), request.params.id, request.body),
  );
  app.delete(
    `${base}/sections/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a section whose tables are all inactive (it is archived, its tables kept)',
        params: idParams,
        response: { 204: z.null().describe('Removed') },
      },
    },
    async (request, reply) => {
      await api.removeSection(callContextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    `${base}/tables`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a table in a section',
        body: createTableInput,
        response: { 201: tableView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.createTable(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/tables`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List a store’s tables',
        querystring: listTablesQuery,
        response: { 200: pageOf(tableView) },
      },
    },
    (request) => api.listTables(callContextOf(request), request.query),
  );
  app.get(
    `${base}/tables/:id`,
    {
      config: read,
      schema: { tags, summary: 'Get a table', params: idParams, response: { 200: tableView } },
    },
    (request) => api.getTable(callContextOf(request), request.params.id),
  );
  app.patch(
    `${base}/tables/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename, reseat, move or (de)activate a table',
        params: idParams,
        body: updateTableInput,
        response: { 200: tableView },
      },
    },
    (request) => api.updateTable(callContextOf(request), request.params.id, request.body),
  );
}
