import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { eventually } from '../support/checkout-till.ts';
import { storeOpsClient } from '../support/store-ops.ts';

describe.each(testEngines())('store-ops registers, receipts and floor plan on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof storeOpsClient>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = storeOpsClient(server);
  });
  afterAll(() => t?.close());

  /** A device identity registers for `storeId`; its id. */
  const registerDevice = async (token: string, storeId: string) => {
    const res = await c.ok(201, 'POST', '/api/v1/identity/devices', token, {
      storeId,
      name: 'Counter tablet',
    });
    return (res.device as { id: string }).id;
  };

  /**
   * Patches the register once store-ops has heard of the device (it learns of
   * devices from identity's events, a moment after they are registered).
   */
  const linkOnceKnown = (token: string, registerId: string, body: Record<string, unknown>) =>
    eventually(
      'the device to be known to store-ops',
      async () => {
        const res = await c.call('PATCH', `/registers/${registerId}`, token, body);
        return res.json().code === 'device-not-found' ? undefined : res;
      },
      10_000,
      20,
    );

  describe('registers', () => {
    it('creates, renames, links a device to and deactivates a register', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      expect(register).toMatchObject({ storeId: store.id, deviceId: null, status: 'active' });
      const deviceA = await registerDevice(token, store.id);
      const linked = await linkOnceKnown(token, register.id, {
        name: 'Front till',
        deviceId: deviceA,
      });
      expect(linked.statusCode).toBe(200);
      expect(linked.json()).toMatchObject({ name: 'Front till', deviceId: deviceA });
      const second = await c.call('POST', '/registers', token, {
        storeId: store.id,
        name: 'Back till',
        deviceId: deviceA,
      });
      expect(second.json().code).toBe('device-already-linked');
      const gone = await c.ok(200, 'POST', `/registers/${register.id}/deactivate`, token);
      expect(gone.status).toBe('deactivated');
      const open = await c.call('POST', `/registers/${register.id}/drawer`, token, {
        openingFloatMinor: 0,
      });
      expect(open.json().code).toBe('register-deactivated');
      // The name and the device are free again once the register is retired.
      await c.ok(201, 'POST', '/registers', token, {
        storeId: store.id,
        name: 'front TILL',
        deviceId: deviceA,
      });
    });

    it('links a register only to a working device of its own store', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const unknown = await c.call('PATCH', `/registers/${register.id}`, token, {
        deviceId: '01900000-0000-7000-8000-00000000d0a1',
      });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().code).toBe('device-not-found');

      const other = await c.ok(201, 'POST', '/stores', token, {
        name: 'Side street',
        timezone: 'Europe/Paris',
        currency: 'EUR',
      });
      const elsewhere = await registerDevice(token, other.id);
      const wrongStore = await eventually(
        'the other store’s device to be known',
        async () => {
          const res = await c.call('POST', '/registers', token, {
            storeId: store.id,
            name: 'Till 2',
            deviceId: elsewhere,
          });
          return res.json().code === 'device-not-found' ? undefined : res;
        },
        10_000,
        20,
      );
      expect(wrongStore.statusCode).toBe(422);
      expect(wrongStore.json().code).toBe('device-in-other-store');

      const revoked = await registerDevice(token, store.id);
      await c.ok(200, 'POST', `/api/v1/identity/devices/${revoked}/revoke`, token);
      // Probed with a register name the store already uses, so that no probe links anything
      // while store-ops has heard of the registration but not yet of the revocation.
      await eventually(
        'the revocation to be known',
        async () => {
          const res = await c.call('POST', '/registers', token, {
            storeId: store.id,
            name: 'Till 1',
            deviceId: revoked,
          });
          return res.json().code === 'device-revoked' ? res : undefined;
        },
        10_000,
        20,
      );
      const refused = await c.call('PATCH', `/registers/${register.id}`, token, {
        deviceId: revoked,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('device-revoked');
      // Nothing was linked by the refused requests.
      expect((await c.ok(200, 'GET', `/registers/${register.id}`, token)).deviceId).toBeNull();
    });

    it('refuses two active registers of the same name in a store', async () => {
      const { token, store } = await c.tenantWithRegister();
      const res = await c.call('POST', '/registers', token, { storeId: store.id, name: 'till 1' });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('register-name-taken');
    });

    it('keeps a register with an open drawer from being deactivated', async () => {
      const { token, register } = await c.tenantWithRegister();
      await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, { openingFloatMinor: 0 });
      const res = await c.call('POST', `/registers/${register.id}/deactivate`, token);
      expect(res.json().code).toBe('register-has-open-drawer');
    });

    it('lists registers by store and status, by name, a page at a time', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const b = await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'B' });
      const a = await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'A' });
      await c.ok(200, 'POST', `/registers/${b.id}/deactivate`, token);
      const first = await c.ok(
        200,
        'GET',
        `/registers?storeId=${store.id}&sort=name&limit=1`,
        token,
      );
      expect(first.items.map((r: { id: string }) => r.id)).toEqual([a.id]);
      const next = await c.ok(
        200,
        'GET',
        `/registers?storeId=${store.id}&sort=name&limit=5&cursor=${first.nextCursor}`,
        token,
      );
      expect(next.items.map((r: { id: string }) => r.id)).toEqual([b.id, register.id]);
      expect(next.nextCursor).toBeNull();
      const active = await c.ok(200, 'GET', `/registers?status=active&sort=-createdAt`, token);
      expect(active.items.map((r: { id: string }) => r.id)).toEqual([a.id, register.id]);
    });
  });

  describe('receipt numbers', () => {
    it('numbers each register’s receipts 1, 2, 3 independently', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const other = await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'T2' });
      const next = async (id: string) =>
        (await c.ok(201, 'POST', `/registers/${id}/receipt-numbers`, token)).number;
      expect([await next(register.id), await next(register.id), await next(other.id)]).toEqual([
        1, 2, 1,
      ]);
      expect(await next(register.id)).toBe(3);
    });

    it('gives a retried reference the number it already has', async () => {
      const { token, register } = await c.tenantWithRegister();
      const url = `/registers/${register.id}/receipt-numbers`;
      const first = await c.ok(201, 'POST', url, token, { reference: 'order-1' });
      const again = await c.ok(201, 'POST', url, token, { reference: 'order-1' });
      const second = await c.ok(201, 'POST', url, token, { reference: 'order-2' });
      expect(again).toEqual(first);
      expect([first.number, second.number]).toEqual([1, 2]);
    });

    it('lets a cashier allocate, and stops a deactivated register from issuing', async () => {
      const { token, register } = await c.tenantWithRegister();
      const cashier = await c.staff(token, ['cashier']);
      await c.ok(201, 'POST', `/registers/${register.id}/receipt-numbers`, cashier);
      await c.ok(200, 'POST', `/registers/${register.id}/deactivate`, token);
      const res = await c.call('POST', `/registers/${register.id}/receipt-numbers`, cashier);
      expect(res.json().code).toBe('register-deactivated');
    });

    it('stops an archived store’s registers from issuing, and still answers a retried reference', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const url = `/registers/${register.id}/receipt-numbers`;
      const first = await c.ok(201, 'POST', url, token, { reference: 'order-1' });
      await c.ok(200, 'POST', `/stores/${store.id}/archive`, token, { reason: 'closed' });
      for (const body of [undefined, { reference: 'order-2' }]) {
        const res = await c.call('POST', url, token, body);
        expect([res.statusCode, res.json().code]).toEqual([409, 'store-archived']);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(await c.ok(201, 'POST', url, token, { reference: 'order-1' })).toEqual(first);
      const drawer = await c.call('POST', `/registers/${register.id}/drawer`, token, {
        openingFloatMinor: 0,
      });
      expect([drawer.statusCode, drawer.json().code]).toEqual([409, 'store-archived']);
      const renamed = await c.call('PATCH', `/registers/${register.id}`, token, { name: 'T2' });
      expect([renamed.statusCode, renamed.json().code]).toEqual([409, 'store-archived']);
      await c.ok(200, 'POST', `/registers/${register.id}/deactivate`, token);
    });
  });

  describe('floor plan', () => {
    it('builds sections and tables and lists them in order', async () => {
      const { token, store } = await c.tenantWithRegister();
      const bar = await c.ok(201, 'POST', '/sections', token, {
        storeId: store.id,
        name: 'Bar',
        position: 2,
      });
      const room = await c.ok(201, 'POST', '/sections', token, {
        storeId: store.id,
        name: 'Main room',
        position: 1,
      });
      const sections = await c.ok(200, 'GET', `/stores/${store.id}/sections`, token);
      expect(sections.items.map((s: { name: string }) => s.name)).toEqual(['Main room', 'Bar']);
      for (const [name, section] of [
        ['T3', room],
        ['T1', room],
        ['B1', bar],
      ] as const) {
        await c.ok(201, 'POST', '/tables', token, { sectionId: section.id, name, seats: 4 });
      }
      const inRoom = await c.ok(
        200,
        'GET',
        `/tables?storeId=${store.id}&sectionId=${room.id}&sort=name`,
        token,
      );
      expect(inRoom.items.map((x: { name: string }) => x.name)).toEqual(['T1', 'T3']);
      const dup = await c.call('POST', '/tables', token, {
        sectionId: bar.id,
        name: 't1',
        seats: 2,
      });
      expect(dup.json().code).toBe('table-name-taken');
    });

    it('pages a store’s sections in display order with a cursor', async () => {
      const { token, store } = await c.tenantWithRegister();
      for (const [name, position] of [
        ['Terrace', 3],
        ['Bar', 1],
        ['Main room', 1],
        ['Cellar', 2],
        ['Attic', 0],
      ] as const) {
        await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name, position });
      }
      const url = `/stores/${store.id}/sections`;
      const names = (page: { items: { name: string }[] }) => page.items.map((s) => s.name);
      const first = await c.ok(200, 'GET', `${url}?limit=2`, token);
      expect(names(first)).toEqual(['Attic', 'Bar']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await c.ok(200, 'GET', `${url}?limit=2&cursor=${first.nextCursor}`, token);
      expect(names(second)).toEqual(['Main room', 'Cellar']);
      const last = await c.ok(200, 'GET', `${url}?limit=2&cursor=${second.nextCursor}`, token);
      expect(names(last)).toEqual(['Terrace']);
      expect(last.nextCursor).toBeNull();
      const all = await c.ok(200, 'GET', url, token);
      expect(all.nextCursor).toBeNull();
      expect(names(all)).toEqual(['Attic', 'Bar', 'Main room', 'Cellar', 'Terrace']);
      // Another list's cursor is not one of this list's.
      await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'Till 2' });
      const registers = await c.ok(200, 'GET', `/registers?storeId=${store.id}&limit=1`, token);
      expect(registers.nextCursor).toEqual(expect.any(String));
      const foreign = await c.call('GET', `${url}?cursor=${registers.nextCursor}`, token);
      expect([foreign.statusCode, foreign.json().code]).toEqual([400, 'invalid-cursor']);
    });

    it('moves, reseats and deactivates tables, and lists only active ones on request', async () => {
      const { token, store } = await c.tenantWithRegister();
      const a = await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name: 'A' });
      const b = await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name: 'B' });
      const table = await c.ok(201, 'POST', '/tables', token, {
        sectionId: a.id,
        name: 'T',
        seats: 2,
      });
      const moved = await c.ok(200, 'PATCH', `/tables/${table.id}`, token, {
        sectionId: b.id,
        seats: 6,
        active: false,
      });
      expect(moved).toMatchObject({ sectionId: b.id, seats: 6, active: false });
      expect(await c.ok(200, 'GET', `/tables/${table.id}`, token)).toEqual(moved);
      const other = await c.tenantWithRegister();
      const foreign = await c.call('GET', `/tables/${table.id}`, other.token);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().code).toBe('table-not-found');
      const active = await c.ok(200, 'GET', `/tables?storeId=${store.id}&active=true`, token);
      expect(active.items).toEqual([]);
      const seats = await c.call('PATCH', `/tables/${table.id}`, token, { seats: 0 });
      expect(seats.statusCode).toBe(400);
    });

    it('removes a section once its tables are inactive, keeping them and their section', async () => {
      const { token, store } = await c.tenantWithRegister();
      const s = await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name: 'Patio' });
      const table = await c.ok(201, 'POST', '/tables', token, {
        sectionId: s.id,
        name: 'P1',
        seats: 2,
      });
      const busy = await c.call('DELETE', `/sections/${s.id}`, token);
      expect([busy.statusCode, busy.json().code]).toEqual([409, 'section-in-use']);
      expect(busy.json()).toMatchObject({
        detail:
          'The section still has 1 active table (P1): deactivate it or move it to another section first.',
        activeTableCount: 1,
        activeTables: [{ id: table.id, name: 'P1' }],
      });

      await c.ok(200, 'PATCH', `/tables/${table.id}`, token, { active: false });
      await c.ok(204, 'DELETE', `/sections/${s.id}`, token);
      await c.ok(204, 'DELETE', `/sections/${s.id}`, token);
      const url = `/stores/${store.id}/sections`;
      expect((await c.ok(200, 'GET', url, token)).items).toEqual([]);
      const archived = await c.ok(200, 'GET', `${url}?status=archived`, token);
      expect(archived.items).toEqual([{ ...s, status: 'archived' }]);
      expect(await c.ok(200, 'GET', `/tables/${table.id}`, token)).toMatchObject({
        sectionId: s.id,
        active: false,
      });
      const added = await c.call('POST', '/tables', token, {
        sectionId: s.id,
        name: 'P2',
        seats: 2,
      });
      expect([added.statusCode, added.json().code]).toEqual([409, 'section-archived']);
      const reused = await c.call('PATCH', `/tables/${table.id}`, token, { active: true });
      expect([reused.statusCode, reused.json().code]).toEqual([409, 'section-archived']);

      // The name is free again, and the old table is used again once moved there.
      const patio = await c.ok(201, 'POST', '/sections', token, {
        storeId: store.id,
        name: 'Patio',
      });
      expect(patio.status).toBe('active');
      await c.ok(200, 'PATCH', `/tables/${table.id}`, token, { sectionId: patio.id, active: true });
      expect((await c.ok(200, 'GET', url, token)).items.map((x) => x.id)).toEqual([patio.id]);
      const bad = await c.call('GET', `${url}?status=gone`, token);
      expect(bad.statusCode).toBe(400);
    });

    it('does not move a table into another store’s section', async () => {
      const { token, store } = await c.tenantWithRegister();
      const other = await c.ok(201, 'POST', '/stores', token, {
        name: 'Other',
        timezone: 'UTC',
        currency: 'EUR',
      });
      const mine = await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name: 'S' });
      const theirs = await c.ok(201, 'POST', '/sections', token, { storeId: other.id, name: 'S' });
      const table = await c.ok(201, 'POST', '/tables', token, {
        sectionId: mine.id,
        name: 'X',
        seats: 2,
      });
      const res = await c.call('PATCH', `/tables/${table.id}`, token, { sectionId: theirs.id });
      expect(res.json().code).toBe('section-not-found');
    });

    it('lets a cashier see the floor plan but not change it', async () => {
      const { token, store } = await c.tenantWithRegister();
      const cashier = await c.staff(token, ['cashier']);
      await c.ok(200, 'GET', `/stores/${store.id}/sections`, cashier);
      const res = await c.call('POST', '/sections', cashier, { storeId: store.id, name: 'Mine' });
      expect(res.statusCode).toBe(403);
    });
  });
});
