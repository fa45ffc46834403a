import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl, postgresUrl, redisUrl, startTestServer, type TestServer } from '@stratum/testing';
import { apiOf } from '../support/checkout-till.ts';
import { deleteNatsStreams } from '../support/nats.ts';
import { launchServicesShape } from '../support/services-shape.ts';
import { tillFlow } from '../support/till-flow.ts';

const engines = () => Boolean(postgresUrl() && redisUrl() && natsUrl());
const prefix = () => `e2e${randomBytes(4).toString('hex')}`;

/** One deployment shape, listening on a loopback URL. */
interface Shape {
  url: string;
  stop(): Promise<void>;
}

/** A whole server in this process, listening: PGlite and in-process engines, or the real engines. */
async function singleProcess(real: boolean): Promise<Shape> {
  const nats = prefix();
  const t: TestServer = await startTestServer(real ? 'postgres' : 'pglite', {
    env: real ? { REDIS_URL: redisUrl()!, NATS_URL: natsUrl()!, NATS_PREFIX: nats } : {},
  });
  const url = await t.server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    async stop() {
      await t.close();
      if (real) await deleteNatsStreams(natsUrl()!, nats);
    },
  };
}

/**
 * The services shape as separate processes: the processor, one server per
 * topology service — each with a database of its own — and the gateway.
 */
async function services(): Promise<Shape> {
  const shape = await launchServicesShape({ natsUrl: natsUrl()!, redisUrl: redisUrl()! });
  return { url: shape.url, stop: () => shape.close() };
}

const shapes: [string, () => Promise<Shape>][] = [
  ['embedded (PGlite, in-process engines)', () => singleProcess(false)],
  ...(engines()
    ? ([
        ['single process on PostgreSQL, Redis and NATS', () => singleProcess(true)],
        ['services: gateway and one process per module group', services],
      ] as [string, () => Promise<Shape>][])
    : []),
];

describe.each(shapes)('a tenant’s day on the %s shape', (_name, start) => {
  let shape: Shape;
  beforeAll(async () => {
    shape = await start();
  }, 180_000);
  afterAll(() => shape?.stop());

  it('signs up, sets up the café, checks out with cash and card, refunds with approval', async () => {
    const result = await tillFlow(apiOf(shape.url), shape.url);
    expect(result.checkout.receiptNumber).toBeGreaterThan(0);
  }, 120_000);
});
