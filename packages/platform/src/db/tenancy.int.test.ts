import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../index.ts';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';

describe.each(testEngines())('tenancy on %s', (engine) => {
  let t: TestServer;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    const signUp = async (name: string) => {
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/identity/signup',
        payload: {
          businessName: name,
          ownerEmail: `${name}-${engine}@tenancy.test`,
          password: 'long enough password',
        },
      });
      expect(res.statusCode).toBe(201);
      return res.json<{ tenant: { id: string } }>().tenant.id;
    };
    tenantA = await signUp('alpha');
    tenantB = await signUp('bravo');
  });
  afterAll(() => t?.close());

  it('hides other tenants’ rows from a query that leaves out the tenant filter', async () => {
    const { database } = t.server;
    const seen = await database.transaction(
      async (tx) =>
        rowsOf<{ tenant_id: string }>(await tx.execute(sql`select tenant_id from identity.users`)),
      { tenantId: tenantA },
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((r) => r.tenant_id))).toEqual(new Set([tenantA]));
  });

  it('refuses to write a row into another tenant', async () => {
    const attempt = t.server.database.transaction(
      (tx) =>
        tx.execute(
          sql`insert into identity.tenants (tenant_id, name) values (${tenantB}::uuid, 'intruder')`,
        ),
      { tenantId: tenantA },
    );
    await expect(attempt).rejects.toThrow();
  });

  it('rolls a transaction back when it throws, and a nested one back to its savepoint', async () => {
    const { database } = t.server;
    const marker = `test.rollback-${engine}`;
    type Tx = Parameters<Parameters<typeof database.transaction>[0]>[0];
    const write = (tx: Tx, what: string) =>
      tx.execute(
        sql`insert into identity.outbox (id, tenant_id, type, version, envelope)
            values (gen_random_uuid(), ${tenantA}::uuid, ${marker}, 1, ${JSON.stringify({ what })}::jsonb)`,
      );
    const written = () =>
      database.transaction(
        async (tx) =>
          rowsOf<{ what: string }>(
            await tx.execute(
              sql`select envelope->>'what' as what from identity.outbox where type = ${marker} order by what`,
            ),
          ).map((r) => r.what),
        { tenantId: tenantA },
      );
    await expect(
      database.transaction(
        async (tx) => {
          await write(tx, 'never');
          throw new Error('changed my mind');
        },
        { tenantId: tenantA },
      ),
    ).rejects.toThrow('changed my mind');
    expect(await written()).toEqual([]);

    await database.transaction(
      async (tx) => {
        await write(tx, 'kept');
        await expect(
          tx.transaction(async (inner) => {
            await write(inner, 'undone');
            throw new Error('inner failure');
          }),
        ).rejects.toThrow('inner failure');
        await write(tx, 'kept too');
      },
      { tenantId: tenantA },
    );
    expect(await written()).toEqual(['kept', 'kept too']);

    // The connections that served these are clean: the next transactions carry no leftover scope.
    const scopes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        database.transaction(
          async (tx) =>
            rowsOf<{ tenant: string; system: string | null }>(
              await tx.execute(
                sql`select current_setting('app.tenant_id', true) as tenant, current_setting('app.system', true) as system`,
              ),
            )[0],
          { tenantId: i % 2 ? tenantA : tenantB },
        ),
      ),
    );
    expect(scopes.map((s) => s?.tenant)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? tenantA : tenantB)),
    );
    expect(scopes.filter((s) => s?.system === 'on')).toEqual([]);
  });

  // PGlite has one session: the relay's work runs in system-scoped transactions on it.
  if (engine === 'postgres') {
    it('gives the relay a system session whose commits do not wait for the WAL, and no other', async () => {
      const { database } = t.server;
      const settings = sql`select current_setting('app.system', true) as system,
        current_setting('synchronous_commit') as sync`;
      type Settings = { system: string | null; sync: string };
      const relay = await database.system(async (db) =>
        rowsOf<Settings>(await db.execute(settings)),
      );
      expect(relay).toEqual([{ system: 'on', sync: 'off' }]);
      const tenant = await database.transaction(
        async (tx) => rowsOf<Settings>(await tx.execute(settings)),
        { tenantId: tenantA },
      );
      expect(tenant).toEqual([{ system: null, sync: 'on' }]);
    });
  }

  it('does not hand a connection lost mid-transaction to the next caller', async () => {
    const { database } = t.server;
    const lost = database.transaction(
      (tx) => tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`),
      { tenantId: tenantA },
    );
    await expect(lost).rejects.toThrow();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        database.transaction(async (tx) => rowsOf(await tx.execute(sql`select 1 as one`)), {
          tenantId: tenantA,
        }),
      ),
    );
    expect(answers.flat()).toHaveLength(12);
  });

  it('fails closed when no tenant is set on the connection', async () => {
    await expect(t.server.database.db.execute(sql`select * from identity.users`)).rejects.toThrow();
  });

  it('refuses to open a tenant transaction without a tenant in context', async () => {
    await expect(t.server.database.transaction(async () => 1)).rejects.toMatchObject({
      code: 'tenant-context-missing',
    });
  });

  it('runs the application as a role that is neither superuser nor exempt from RLS', async () => {
    const [role] = rowsOf<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      await t.server.database.db.execute(
        sql`select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
      ),
    );
    expect(role).toEqual({ rolname: 'stratum_app', rolsuper: false, rolbypassrls: false });
  });

  it('enables and forces row-level security on every table that has a tenant_id', async () => {
    const tables = rowsOf<{ table: string; enabled: boolean; forced: boolean }>(
      await t.server.database.db.execute(sql`
        select c.relnamespace::regnamespace || '.' || c.relname as table,
               c.relrowsecurity as enabled, c.relforcerowsecurity as forced
        from pg_class c
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where c.relkind = 'r' and c.relnamespace::regnamespace::text not in ('pg_catalog', 'information_schema')`),
    );
    expect(tables.map((t) => t.table)).toContain('identity.users');
    expect(tables.filter((t) => !t.enabled || !t.forced)).toEqual([]);
  });
});
