import { connect } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const adminUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const testNatsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    redisUrl: string | null;
    natsUrl: string | null;
  }
}

const underCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Sends `probe` (if any) to host:port and resolves once the first bytes that
 * come back contain `expect`: enough to tell that a Redis or NATS server answers.
 */
function answers(url: string, probe: string, expect: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let seen = '';
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(3000, () => fail(new Error('no answer within 3 s')));
    socket.on('error', fail);
    socket.on('connect', () => {
      if (probe) socket.write(probe);
    });
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.includes(expect)) {
        socket.destroy();
        resolve();
      }
    });
  });
}

async function postgresAnswers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Finds out once which engines answer. A missing engine skips its suites with
 * one clear line, except under CI, where it fails the run.
 */
export default async function setup(project: TestProject): Promise<void> {
  const engines = [
    { key: 'postgresUrl', name: 'PostgreSQL', url: adminUrl, check: postgresAnswers },
    {
      key: 'redisUrl',
      name: 'Redis',
      url: testRedisUrl,
      check: (url: string) => answers(url, 'PING\r\n', '+PONG'),
    },
    {
      key: 'natsUrl',
      name: 'NATS',
      url: testNatsUrl,
      check: (url: string) => answers(url, '', 'INFO'),
    },
  ] as const;
  for (const engine of engines) {
    try {
      await engine.check(engine.url);
      project.provide(engine.key, engine.url);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (underCi()) {
        throw new Error(
          `${engine.name} is required under CI but is not reachable at ${engine.url}: ${reason}`,
          {
            cause: err,
          },
        );
      }
      process.stdout.write(
        `\n[stratum] ${engine.name} not reachable at ${engine.url} (${reason}): its suites are SKIPPED.\n\n`,
      );
      project.provide(engine.key, null);
    }
  }
}
