import { Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { pgSchema } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpTenant, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { lastly } from './database.ts';
import { messagingTables } from './tables.ts';
import { together } from './together.ts';
import type { Tx } from './types.ts';

const { outbox } = messagingTables(pgSchema('identity'));

/**
 * Counts the writes that the socket of the transaction `work` runs makes to
 * PostgreSQL (the one that sends its `begin`; the outbox relay's connection
 * may write meanwhile). A corked socket sends what it gathered in one `_writev`.
 */
async function writesOfTransaction(port: number, work: () => Promise<unknown>): Promise<number> {
  type Write = (this: Socket, ...args: unknown[]) => unknown;
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', Write>;
  const originals = { _write: proto._write, _writev: proto._writev };
  const writes = new Map<Socket, string[]>();
  for (const name of ['_write', '_writev'] as const) {
    const original = originals[name];
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port) {
        const data = args[0];
        const text = Array.isArray(data)
          ? data.map((c: { chunk: Buffer }) => String(c.chunk)).join('')
          : String(data);
        writes.set(this, [...(writes.get(this) ?? []), text]);
      }
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, originals);
  }
  const ours = [...writes.values()].filter((w) => w.some((text) => text.includes('begin')));
  expect(ours).toHaveLength(1);
  return ours[0]!.length;
}

describe.each(testEngines())('a unit’s last statements on %s', (engine) => {
  let t: TestServer;
  let tenant: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    tenant = (await signUpTenant(t.server, 'Lastly')).tenantId;
  });
  afterAll(() => t?.close());

  const event = (type: string, what: string) => ({
    id: crypto.randomUUID(),
    tenantId: tenant,
    type,
    version: 1,
    envelope: { what },
  });
  const insert = (tx: Tx, row: ReturnType<typeof event>) => tx.insert(outbox).values(row);
  const kept = async (type: string) =>
    (
      await t.server.database.transaction(
        (tx) => tx.select({ envelope: outbox.envelope }).from(outbox).where(eq(outbox.type, type)),
        { tenantId: tenant },
      )
    )
      .map((r) => (r.envelope as { what: string }).what)
      .sort();

  it('commits every statement the unit starts with them, however it starts them', async () => {
    const type = `test.lastly-${engine}-1`;
    await t.server.database.transaction(
      async (tx) => {
        await insert(tx, event(type, 'before'));
        await lastly(tx, () =>
          together([
            // A bare builder starts when awaited (a promise job); a repository call
            // may start its statement past an await of its own.
            insert(tx, event(type, 'builder')),
            (async () => {
              await Promise.resolve();
              await insert(tx, event(type, 'after an await'));
            })(),
          ]),
        );
      },
      { tenantId: tenant },
    );
    expect(await kept(type)).toEqual(['after an await', 'before', 'builder']);
  });

  it('rolls the whole unit back when one of its last statements fails', async () => {
    const type = `test.lastly-${engine}-2`;
    const first = event(type, 'first');
    await expect(
      t.server.database.transaction(
        async (tx) => {
          await insert(tx, first);
          await lastly(tx, () =>
            together([
              insert(tx, event(type, 'second')),
              insert(tx, { ...first, envelope: { what: 'duplicate' } }),
            ]),
          );
        },
        { tenantId: tenant },
      ),
    ).rejects.toMatchObject({ cause: { code: '23505' } });
    expect(await kept(type)).toEqual([]);
  });

  it('rolls back what the unit started when it fails while starting its last statements', async () => {
    const type = `test.lastly-${engine}-6`;
    await expect(
      t.server.database.transaction(
        (tx) =>
          lastly(tx, () => {
            insert(tx, event(type, 'started')).then(
              () => {},
              () => {},
            );
            throw new Error('failed while starting');
          }),
        { tenantId: tenant },
      ),
    ).rejects.toThrow('failed while starting');
    expect(await kept(type)).toEqual([]);
  });

  if (engine === 'postgres') {
    const port = () => Number(new URL(t.databaseUrl!).port || 5432);

    it('sends the commit in the same write as the last statements', async () => {
      const type = `test.lastly-${engine}-3`;
      const run = (withLastly: boolean) =>
        t.server.database.transaction(
          async (tx) => {
            await insert(tx, event(type, `opened ${withLastly}`));
            const writes = () =>
              together([
                insert(tx, event(type, `a ${withLastly}`)),
                insert(tx, event(type, `b ${withLastly}`)),
              ]);
            await (withLastly ? lastly(tx, writes) : writes());
          },
          { tenantId: tenant },
        );
      // Without it the commit leaves after their answers, in a write of its own.
      const counted = async (withLastly: boolean) =>
        writesOfTransaction(port(), () => run(withLastly));
      expect(await counted(true)).toBe(2); // the first statement; the last two and the commit
      expect(await counted(false)).toBe(3); // the first; the last two; the commit
      expect(await kept(type)).toHaveLength(6);
    });

    it('refuses a statement started after the commit has left; what went before stays', async () => {
      const type = `test.lastly-${engine}-4`;
      await expect(
        t.server.database.transaction(
          (tx) =>
            lastly(tx, async () => {
              await insert(tx, event(type, 'sent with the commit'));
              await insert(tx, event(type, 'started after its answer'));
            }),
          { tenantId: tenant },
        ),
      ).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/^statement-after-commit/) },
      });
      expect(await kept(type)).toEqual(['sent with the commit']);
    });

    it('does not report a unit as done when PostgreSQL rolled it back', async () => {
      const type = `test.lastly-${engine}-5`;
      const first = event(type, 'first');
      await expect(
        t.server.database.transaction(
          async (tx) => {
            await insert(tx, first);
            await lastly(tx, async () => {
              // A failure the unit lets pass: the transaction is aborted all the same.
              insert(tx, { ...first, envelope: { what: 'duplicate' } }).catch(() => {});
            });
          },
          { tenantId: tenant },
        ),
      ).rejects.toThrow('The transaction was rolled back.');
      expect(await kept(type)).toEqual([]);
    });
  }
});
