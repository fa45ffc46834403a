import { eq } from 'drizzle-orm';
import { pgSchema } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  signUpTenant,
  startTestServer,
  testEngines,
  transactionWrites,
  type TestServer,
} from '@stratum/testing';
import { auditTable } from '../audit.ts';
import { defineEvent } from '../messaging/envelope.ts';
import { createOutbox } from '../messaging/outbox.ts';
import { afterCommit, lastly } from './database.ts';
import { unitOfWork } from './repository.ts';
import { messagingTables } from './tables.ts';
import { together } from './together.ts';
import type { Tx } from './types.ts';

const identity = pgSchema('identity');
const { outbox } = messagingTables(identity);
const auditLog = auditTable(identity);

/** How many writes the one transaction `work` runs makes to PostgreSQL on `port`. */
async function writesOfTransaction(port: number, work: () => Promise<unknown>): Promise<number> {
  const ours = await transactionWrites(port, work);
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

  it('runs a bare query builder given as the last statement once', async () => {
    const type = `test.lastly-${engine}-14`;
    await t.server.database.transaction(
      (tx) => lastly(tx, () => insert(tx, event(type, 'alone'))),
      { tenantId: tenant },
    );
    expect(await kept(type)).toEqual(['alone']);
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

  // A payload that fails its event's schema fails the outbox's add before its insert
  // starts, while the unit's other last statements are already on their way.
  const checked = (type: string) => defineEvent(type, 1, z.object({ count: z.number().int() }));
  const notACount = { count: 'three' } as unknown as { count: number };

  /**
   * The unit's last statements: an insert and, started with it, work that fails
   * before a statement of its own leaves. Nothing of the unit may commit.
   */
  const failingBesideAnInsert: [string, (tx: Tx, type: string) => Promise<unknown>, unknown][] = [
    [
      'its event fails its schema',
      (tx, type) => createOutbox(outbox).add(tx, checked(type), notACount, tenant),
      z.ZodError,
    ],
    [
      'its event, emitted past an await, fails its schema',
      async (tx, type) => {
        await Promise.resolve();
        await unitOfWork(tx, tenant, createOutbox(outbox), auditLog).emit(checked(type), notACount);
      },
      z.ZodError,
    ],
    [
      'work started with it fails before its own statement',
      async () => {
        await Promise.resolve();
        throw new RangeError('refused before its statement');
      },
      RangeError,
    ],
  ];

  it.each(failingBesideAnInsert.map((c, i) => [...c, i] as const))(
    'rolls back the state change when %s',
    async (_, failing, rejection, i) => {
      const type = `test.lastly-${engine}-failing-${i}`;
      await expect(
        t.server.database.transaction(
          async (tx) => {
            await insert(tx, event(type, 'before'));
            await lastly(tx, () =>
              together([insert(tx, event(type, 'state change')), failing(tx, type)]),
            );
          },
          { tenantId: tenant },
        ),
      ).rejects.toBeInstanceOf(rejection);
      expect(await kept(type)).toEqual([]);
    },
  );

  it('commits what a unit that handles the failure of its last statements started, after their answers', async () => {
    const type = `test.lastly-${engine}-10`;
    await t.server.database.transaction(
      async (tx) => {
        await lastly(tx, () =>
          together([
            insert(tx, event(type, 'state change')),
            createOutbox(outbox).add(tx, checked(type), notACount, tenant),
          ]),
        ).catch(() => {});
        await insert(tx, event(type, 'after the failure'));
      },
      { tenantId: tenant },
    );
    expect(await kept(type)).toEqual(['after the failure', 'state change']);
  });

  it('rolls back a unit whose last statements fail while it waits for another answer', async () => {
    const type = `test.lastly-${engine}-11`;
    await expect(
      t.server.database.transaction(
        async (tx) => {
          // As the inbox runs a handler beside its mark, and waits for both.
          const [mark, effect] = await Promise.allSettled([
            insert(tx, event(type, 'mark')),
            lastly(tx, async () => {
              const started = tx.insert(outbox).values(event(type, 'state change')).execute();
              await Promise.resolve();
              await createOutbox(outbox).add(tx, checked(type), notACount, tenant);
              await started;
            }),
          ]);
          if (mark.status === 'rejected') throw mark.reason;
          if (effect.status === 'rejected') throw effect.reason;
        },
        { tenantId: tenant },
      ),
    ).rejects.toBeInstanceOf(z.ZodError);
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

    /** Runs `unit` in a transaction with an after-commit hook; `hooked()` says whether it ran. */
    const withHook = (unit: (tx: Tx) => Promise<unknown>) => {
      let hooked = false;
      const outcome = t.server.database.transaction(
        (tx) => {
          afterCommit(tx, () => (hooked = true));
          return unit(tx);
        },
        { tenantId: tenant },
      );
      return { outcome, hooked: () => hooked };
    };

    it('refuses a statement started after the commit has left; what went before stays', async () => {
      const type = `test.lastly-${engine}-4`;
      const { outcome, hooked } = withHook((tx) =>
        lastly(tx, async () => {
          await insert(tx, event(type, 'sent with the commit'));
          await insert(tx, event(type, 'started after its answer'));
        }),
      );
      await expect(outcome).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/^statement-after-commit/) },
      });
      expect(await kept(type)).toEqual(['sent with the commit']);
      expect(hooked()).toBe(true);
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

    it('says a unit that failed after its commit had left was committed, and runs its hooks', async () => {
      const type = `test.lastly-${engine}-12`;
      const { outcome, hooked } = withHook((tx) =>
        lastly(tx, async () => {
          await insert(tx, event(type, 'sent with the commit'));
          // Decided from an answer, which `lastly` forbids: too late to roll back.
          throw new Error('decided from the answer');
        }),
      );
      await expect(outcome).rejects.toMatchObject({
        message: expect.stringMatching(/^unit-failed-after-commit/),
        cause: { message: 'decided from the answer' },
      });
      expect(await kept(type)).toEqual(['sent with the commit']);
      expect(hooked()).toBe(true);
    });

    it('throws as it is what a unit raises once its last statements succeeded, and runs its hooks', async () => {
      const type = `test.lastly-${engine}-13`;
      // As an allocation that took nothing: a refusal raised once the commit has answered.
      const { outcome, hooked } = withHook(async (tx) => {
        await lastly(tx, () => insert(tx, event(type, 'sent with the commit')));
        throw new Error('raised afterwards');
      });
      await expect(outcome).rejects.toThrow(/^raised afterwards$/);
      expect(await kept(type)).toEqual(['sent with the commit']);
      expect(hooked()).toBe(true);
    });
  }
});
