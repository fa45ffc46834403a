// Redis and NATS for the real-engine shapes: where they are, whether they
// answer, and removing what a bench run left in NATS.
import { randomInt } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';

/** The local engines, overridable the way the tests allow. */
export const redisUrl =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const natsUrl =
  process.env.BENCH_NATS_URL ?? process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Why Redis cannot be used, or null when it answers PING. */
export async function redisUnreachable(url = redisUrl): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return `Redis at ${url}: ${message(err)}`;
  } finally {
    redis.disconnect();
  }
}

/** Why NATS JetStream cannot be used, or null when it answers. */
export async function natsUnreachable(url = natsUrl): Promise<string | null> {
  try {
    const nc = await connect({ servers: url, timeout: 2000 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return null;
    } finally {
      await nc.close();
    }
  } catch (err) {
    return `NATS JetStream at ${url}: ${message(err)}`;
  }
}

/** A NATS_PREFIX of its own for one deployment, so its streams can be found and removed. */
export const natsPrefix = () => `bench${randomInt(0, 2 ** 32).toString(16)}`;

/** Deletes the streams of `prefix` (NATS is shared with the tests and other runs). */
export async function deleteNatsStreams(prefix: string, url = natsUrl): Promise<number> {
  const nc = await connect({ servers: url, timeout: 2000 });
  let deleted = 0;
  try {
    const jsm = await jetstreamManager(nc);
    const start = `${prefix.toUpperCase()}_`;
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(start) && (await jsm.streams.delete(s.config.name))) {
        deleted += 1;
      }
    }
  } finally {
    await nc.close();
  }
  return deleted;
}

/**
 * A loopback address other than 127.0.0.1 for the bench's clients: the real
 * engines' per-IP rate limits live in the shared Redis, so the bench's load
 * must neither use up the limits of tests running beside it nor meet theirs.
 */
export const benchClientAddress = () =>
  `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
