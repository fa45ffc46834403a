import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { closeRedis, createRedis, redisReady } from './connection.ts';
import { globEscape } from './scripts.ts';

/**
 * Connections and a key space of their own for one test file against a
 * shared Redis: every key starts with a random prefix, and `cleanUp` deletes
 * them and closes every connection it opened. Used by the *.int.test.ts files.
 */
export function redisTestKit(url: string, logger: Logger) {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const opened: Redis[] = [];
  let admin: Redis | undefined;
  /** Named after the prefix, so `kill` never finds another file's client. */
  const connect = async (name: string): Promise<Redis> => {
    const redis = createRedis(url, { logger, name: `${prefix}${name}` });
    opened.push(redis);
    await redisReady(redis);
    return redis;
  };
  return {
    prefix,
    /** A fresh prefix inside this file's, for one test's own key space. */
    subPrefix: () => `${prefix}${randomBytes(4).toString('hex')}:`,
    connect,
    /** A client that never reaches Redis: the port is closed. */
    unreachable(name: string): Redis {
      const redis = createRedis('redis://127.0.0.1:1', { logger, name });
      opened.push(redis);
      return redis;
    },
    /** Cuts a client off from the server side, as a network drop would; it reconnects by itself. */
    async kill(client: Redis): Promise<void> {
      admin ??= await connect('test-admin');
      const name = client.options.connectionName ?? '';
      const list = (await admin.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
        .map((line) => /id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      if (ids.length === 0) throw new Error(`no redis client named ${name}`);
      for (const id of ids) await admin.client('KILL', 'ID', id);
    },
    async cleanUp(): Promise<void> {
      admin ??= await connect('test-admin');
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(
          cursor,
          'MATCH',
          `${globEscape(prefix)}*`,
          'COUNT',
          500,
        );
        cursor = next;
        if (keys.length > 0) await admin.del(...keys);
      } while (cursor !== '0');
      await Promise.all(opened.map(closeRedis));
    },
  };
}
