// What the bench database's backends are doing, sampled while the load runs:
// running, waiting for a row lock, or holding a transaction open while the
// server works out its next statement. CPU shares say how busy the machine is;
// these say whether a checkout waited for CPU or queued behind another's locks.
import pg from 'pg';
import { round } from './stats.ts';

/** Average number of backends in each state over the samples taken. */
export interface BackendStates {
  samples: number;
  /** Executing a statement, not waiting for anything. */
  running: number;
  /** Waiting for a lock another transaction holds (a row, a tuple, a relation). */
  waitingForLock: number;
  /** Inside a transaction, waiting for the client's next statement or its COMMIT. */
  idleInTransaction: number;
  /** Waiting for disk or the WAL (IO and LWLock waits). */
  waitingForIo: number;
  /** The lock waiters by statement (`statementLabel`), averaged the same way. */
  lockWaitsByStatement: Record<string, number>;
}

/**
 * A short name for a statement: its verb and first table, and `for update`
 * when it locks what it reads — enough to tell which rows a queue forms on.
 */
export function statementLabel(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  const verb = /^(with|select|insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'other';
  const table = /\b(?:from|update|into)\s+("?\w+"?(?:\."?\w+"?)?)/i
    .exec(text)?.[1]
    ?.replaceAll('"', '');
  const locks = /\bfor (?:no key )?update\b/i.test(text) ? ' for update' : '';
  return `${verb}${table ? ` ${table}` : ''}${locks}`;
}

interface Row {
  state: string | null;
  wait_event_type: string | null;
  query: string;
}

/**
 * Samples `pg_stat_activity` for `database` every `intervalMs` through a
 * connection to another database (`url`), so the sampling adds no
 * transactions to the counts of the database under load. `stop()` ends the
 * sampling and returns the averages.
 */
export async function sampleBackends(
  url: string,
  database: string,
  intervalMs = 100,
): Promise<{ taken: () => number; stop: () => Promise<BackendStates> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const totals = { running: 0, waitingForLock: 0, idleInTransaction: 0, waitingForIo: 0 };
  const lockWaits = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  let failure: Error | undefined;

  const sampleOnce = async () => {
    const { rows } = await client.query<Row>(
      `select state, wait_event_type, query from pg_stat_activity
        where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      [database],
    );
    samples += 1;
    for (const row of rows) {
      if (row.wait_event_type === 'Lock') {
        totals.waitingForLock += 1;
        const label = statementLabel(row.query);
        lockWaits.set(label, (lockWaits.get(label) ?? 0) + 1);
      } else if (row.state?.startsWith('idle in transaction')) {
        totals.idleInTransaction += 1;
      } else if (row.state === 'active') {
        if (row.wait_event_type === 'IO' || row.wait_event_type === 'LWLock') {
          totals.waitingForIo += 1;
        } else if (row.wait_event_type === null) {
          totals.running += 1;
        }
      }
    }
  };

  // One sample at a time: the next is due `intervalMs` after the last one ended.
  const loop = (async () => {
    while (!stopped) {
      try {
        await sampleOnce();
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    taken: () => samples,
    async stop() {
      stopped = true;
      await loop;
      await client.end().catch(() => {});
      if (failure) throw failure;
      const average = (count: number) => (samples > 0 ? round(count / samples, 2)! : 0);
      return {
        samples,
        running: average(totals.running),
        waitingForLock: average(totals.waitingForLock),
        idleInTransaction: average(totals.idleInTransaction),
        waitingForIo: average(totals.waitingForIo),
        lockWaitsByStatement: Object.fromEntries(
          [...lockWaits]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            .map(([label, count]) => [label, average(count)]),
        ),
      };
    },
  };
}
