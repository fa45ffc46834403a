import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '@stratum/testing';
import { sampleBackends, statementLabel } from './backend-states.ts';

describe('statementLabel', () => {
  it('names the verb, the first table and a row lock', () => {
    expect(
      statementLabel(`select "on_hand", "reserved"
        from "inventory"."levels" where "tenant_id" = $1 for update`),
    ).toBe('select inventory.levels for update');
    expect(statementLabel('insert into "ordering"."order_numbers" ("tenant_id") values ($1)')).toBe(
      'insert ordering.order_numbers',
    );
    expect(statementLabel('update counters set n = n + 1')).toBe('update counters');
    expect(statementLabel('with taken as (update s.t set n = 1 returning n) select n')).toBe(
      'with s.t',
    );
    expect(statementLabel('commit')).toBe('other');
  });
});

describe.runIf(postgresUrl())('sampleBackends on PostgreSQL', () => {
  let scratch: TestDatabase;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    scratch = await createTestDatabase(postgresUrl()!);
    const setup = await connect();
    await setup.query('create schema shop; create table shop.levels (id int primary key, n int)');
    await setup.query('insert into shop.levels values (1, 10)');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await scratch?.drop();
  });

  it('counts a transaction holding a row lock and the statement queued behind it', async () => {
    const database = new URL(scratch.url).pathname.slice(1);
    const holder = await connect();
    const waiter = await connect();
    await holder.query('begin');
    await holder.query('select n from shop.levels where id = 1 for update');
    const blocked = waiter.query('update shop.levels set n = n - 1 where id = 1');
    const observer = await connect();
    await vi.waitFor(
      async () => {
        const { rows } = await observer.query(
          `select count(*)::int as n from pg_stat_activity
            where datname = $1 and wait_event_type = 'Lock'`,
          [database],
        );
        expect(rows[0].n).toBe(1);
      },
      { timeout: 10_000, interval: 20 },
    );

    // Sampled through the admin database: the scratch database sees no sampler.
    const sampler = await sampleBackends(postgresUrl()!, database, 5);
    await vi.waitFor(() => expect(sampler.taken()).toBeGreaterThanOrEqual(5), {
      timeout: 10_000,
      interval: 10,
    });
    const states = await sampler.stop();

    expect(states.samples).toBeGreaterThanOrEqual(5);
    expect(states.waitingForLock).toBe(1);
    expect(states.idleInTransaction).toBe(1);
    expect(states.running).toBe(0);
    expect(states.lockWaitsByStatement).toEqual({ 'update shop.levels': 1 });

    await holder.query('commit');
    await blocked;
    const { rows } = await holder.query('select n from shop.levels where id = 1');
    expect(rows[0].n).toBe(9);
  });
});
