import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** Deletes the streams a test's NATS prefix created (the server is shared between suites). */
export async function deleteNatsStreams(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const start = `${prefix.toUpperCase()}_`;
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(start)) await jsm.streams.delete(s.config.name);
    }
  } finally {
    await nc.close();
  }
}
