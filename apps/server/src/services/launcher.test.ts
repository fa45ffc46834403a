import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from './launcher.ts';

const listenOn = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });

describe('free ports for the services shape', () => {
  it('are all different, and free once handed out', async () => {
    const ports = await freePorts(24);
    expect(ports).toHaveLength(24);
    expect(new Set(ports).size).toBe(24);
    for (const port of ports) await listenOn(port);
  });
});
