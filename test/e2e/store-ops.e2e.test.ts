import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { signUpTenant, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { auditOf, collectEvents, storeOpsClient } from '../support/store-ops.ts';

describe.each(testEngines())('store-ops stores, registers and floor plan on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof storeOpsClient>;
  let events: ReturnType<typeof collectEvents>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = storeOpsClient(server);
    events = collectEvents(server, `test.store-ops-${engine}`);
  });
  afterAll(() => t?.close());

  describe('stores', () => {
    it('creates a store with defaults, reads it back and publishes store-created', async () => {
      const owner = await signUpTenant(server);
      const store = await c.ok(201, 'POST', '/stores', owner.accessToken, {
        name: 'Harbour',
        timezone: 'America/New_York',
        currency: 'USD',
        address: {
          line1: '1 Pier',
          city: 'Boston',
          postalCode: '02110',
          country: 'us',
        },
      });
      expect(store).toMatchObject({
        name: 'Harbour',
        currency: 'USD',
        taxInclusive: false,
        taxRounding: 'per-line',
        oversellPolicy: 'block',
        status: 'active',
        address: { line2: null, country: 'US' },
      });
      expect(await c.ok(200, 'GET', `/stores/${store.id}`, owner.accessToken)).toEqual(store);
      await expect
        .poll(() => events.of(owner.tenantId, 'store-ops.store-created'))
        .toEqual([store]);
    });

    it('rejects an unknown time zone and a currency that is not ISO 4217, field by field', async () => {
      const owner = await signUpTenant(server);
      const res = await c.call('POST', '/stores', owner.accessToken, {
        name: 'Nowhere',
        timezone: 'Mars/Olympus_Mons',
        currency: 'XYZ',
      });
      expect(res.statusCode).toBe(400);
      const { errors } = res.json<{ errors: { path: string }[] }>();
      expect(errors.map((e) => e.path).sort()).toEqual(['body.currency', 'body.timezone']);
    });

    it('updates settings with an audit entry and store-updated, but never the currency', async () => {
      const { owner, token, store } = await c.tenantWithRegister();
      const updated = await c.ok(200, 'PATCH', `/stores/${store.id}`, token, {
        taxInclusive: true,
        taxRounding: 'per-order',
        oversellPolicy: 'allow-with-alert',
        timezone: 'Europe/Lisbon',
      });
      expect(updated).toMatchObject({ taxInclusive: true, timezone: 'Europe/Lisbon' });
      const currency = await c.call('PATCH', `/stores/${store.id}`, token, { currency: 'USD' });
      expect(currency.statusCode).toBe(400);
      await expect
        .poll(() => events.of(owner.tenantId, 'store-ops.store-updated'))
        .toEqual([updated]);
      const audit = await auditOf(server, owner.tenantId, store.id);
      expect(audit).toEqual([
        {
          action: 'store.update',
          actor_id: owner.userId,
          reason: null,
          before: store,
          after: updated,
        },
      ]);
    });

    it('pages through stores by name in both directions and filters by status', async () => {
      const { token } = await c.tenantWithRegister();
      for (const name of ['Delta', 'Alpha', 'Charlie', 'Bravo']) {
        await c.ok(201, 'POST', '/stores', token, { name, timezone: 'UTC', currency: 'EUR' });
      }
      const walk = async (sort: string) => {
        const names: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: { name: string }[]; nextCursor: string | null } = await c.ok(
            200,
            'GET',
            `/stores?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
            token,
          );
          names.push(...page.items.map((s) => s.name));
          cursor = page.nextCursor;
        } while (cursor);
        return names;
      };
      expect(await walk('name')).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Main street']);
      expect(await walk('-name')).toEqual(['Main street', 'Delta', 'Charlie', 'Bravo', 'Alpha']);
      expect((await walk('createdAt'))[0]).toBe('Main street');
      const archived = await c.ok(200, 'GET', '/stores?status=archived', token);
      expect(archived.items).toEqual([]);
      const bad = await c.call('GET', '/stores?cursor=not-a-cursor', token);
      expect(bad.json().code).toBe('invalid-cursor');
      // A cursor belongs to its list and its order: elsewhere it would give a wrong page.
      const first = await c.ok(200, 'GET', '/stores?limit=1&sort=name', token);
      for (const elsewhere of [
        `/stores?sort=-name&cursor=${first.nextCursor}`,
        `/registers?sort=name&cursor=${first.nextCursor}`,
      ]) {
        expect((await c.call('GET', elsewhere, token)).json().code).toBe('invalid-cursor');
      }
    });

    it('archives a store only once its drawers are closed', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
        openingFloatMinor: 0,
      });
      const blocked = await c.call('POST', `/stores/${store.id}/archive`, token);
      expect(blocked.json().code).toBe('store-has-open-drawers');
      await c.ok(201, 'POST', `/drawer-sessions/${session.id}/close`, token, {
        countedCashMinor: 0,
      });
      const archived = await c.ok(200, 'POST', `/stores/${store.id}/archive`, token, {
        reason: 'lease ended',
      });
      expect(archived.status).toBe('archived');
      const register2 = await c.call('POST', '/registers', token, {
        storeId: store.id,
        name: 'Till 2',
      });
      expect(register2.json().code).toBe('store-archived');
    });

    it('hides one tenant’s stores from another', async () => {
      const { store } = await c.tenantWithRegister();
      const other = await signUpTenant(server);
      const res = await c.call('GET', `/stores/${store.id}`, other.accessToken);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('store-not-found');
      expect((await c.ok(200, 'GET', '/stores', other.accessToken)).items).toEqual([]);
    });

    it('serves the store directory to other modules in-process', async () => {
      const { owner, store } = await c.tenantWithRegister();
      const actor = {
        kind: 'service' as const,
        id: 'catalog',
        roles: [],
        permissions: [],
        stores: [],
      };
      const view = await server.storeOps.api.getStore(
        { tenantId: owner.tenantId, actor },
        store.id,
      );
      expect(view).toEqual(store);
    });
  });

  describe('permissions', () => {
    it('lets every role read stores but only owners and managers change them', async () => {
      const { token, store } = await c.tenantWithRegister();
      const cashier = await c.staff(token, ['cashier']);
      const kitchen = await c.staff(token, ['kitchen']);
      const manager = await c.staff(token, ['manager']);
      await c.ok(200, 'GET', `/stores/${store.id}`, kitchen);
      const denied = await c.call('PATCH', `/stores/${store.id}`, cashier, { name: 'Mine' });
      expect(denied.statusCode).toBe(403);
      await c.ok(200, 'PATCH', `/stores/${store.id}`, manager, { name: 'Managed' });
    });

    it('keeps staff scoped to one store out of the others', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      const other = await c.ok(201, 'POST', '/stores', token, {
        name: 'Other',
        timezone: 'UTC',
        currency: 'EUR',
      });
      const otherRegister = await c.ok(201, 'POST', '/registers', token, {
        storeId: other.id,
        name: 'Till 9',
      });
      const manager = await c.staff(token, ['manager'], [store.id]);
      const registers = await c.ok(200, 'GET', '/registers', manager);
      expect(registers.items.map((r: { id: string }) => r.id)).toEqual([register.id]);
      const res = await c.call('POST', `/registers/${otherRegister.id}/drawer`, manager, {
        openingFloatMinor: 100,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('store-not-allowed');
    });

    it('keeps staff scoped to one store out of another store’s floor plan', async () => {
      const { token, store } = await c.tenantWithRegister();
      const other = await c.ok(201, 'POST', '/stores', token, {
        name: 'Other',
        timezone: 'UTC',
        currency: 'EUR',
      });
      const bar = await c.ok(201, 'POST', '/sections', token, { storeId: store.id, name: 'Bar' });
      const table = await c.ok(201, 'POST', '/tables', token, {
        sectionId: bar.id,
        name: 'B1',
        seats: 2,
      });
      const terrace = await c.ok(201, 'POST', '/sections', token, {
        storeId: other.id,
        name: 'Terrace',
      });
      const elsewhere = await c.staff(token, ['manager'], [other.id]);
      for (const url of [
        `/stores/${store.id}/sections`,
        `/tables?storeId=${store.id}`,
        `/tables/${table.id}`,
      ]) {
        const res = await c.call('GET', url, elsewhere);
        expect([url, res.statusCode, res.json().code]).toEqual([url, 403, 'store-not-allowed']);
      }
      const own = await c.ok(200, 'GET', `/stores/${other.id}/sections`, elsewhere);
      expect(own.items.map((s: { id: string }) => s.id)).toEqual([terrace.id]);
      expect((await c.ok(200, 'GET', `/tables?storeId=${other.id}`, elsewhere)).items).toEqual([]);
    });

    it('refuses a register or drawer list filtered to a store the staff may not act in', async () => {
      const { token, store, register } = await c.tenantWithRegister();
      await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, { openingFloatMinor: 0 });
      const other = await c.ok(201, 'POST', '/stores', token, {
        name: 'Other',
        timezone: 'UTC',
        currency: 'EUR',
      });
      const otherRegister = await c.ok(201, 'POST', '/registers', token, {
        storeId: other.id,
        name: 'Till 9',
      });
      const otherSession = await c.ok(201, 'POST', `/registers/${otherRegister.id}/drawer`, token, {
        openingFloatMinor: 0,
      });
      const elsewhere = await c.staff(token, ['manager'], [other.id]);
      for (const list of ['/registers', '/drawer-sessions']) {
        const res = await c.call('GET', `${list}?storeId=${store.id}`, elsewhere);
        expect([list, res.statusCode, res.json().code]).toEqual([list, 403, 'store-not-allowed']);
      }
      // Unfiltered, or filtered to a store of their own, the lists hold their stores only.
      for (const query of ['', `?storeId=${other.id}`]) {
        const registers = await c.ok(200, 'GET', `/registers${query}`, elsewhere);
        expect(registers.items.map((r: { id: string }) => r.id)).toEqual([otherRegister.id]);
        const sessions = await c.ok(200, 'GET', `/drawer-sessions${query}`, elsewhere);
        expect(sessions.items.map((s: { id: string }) => s.id)).toEqual([otherSession.id]);
      }
    });
  });
});
