import {
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StoredMsg,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { eventEnvelopeSchema, type EventEnvelope } from './envelope.ts';
import {
  deadLetterStreamName,
  deadLetterSubject,
  natsNames,
  stratumHeaders as h,
  type NatsNames,
} from './nats-streams.ts';

/** A message a consumer gave up on, as kept in the dead-letter stream. */
export interface DeadLetter {
  /** Its sequence in the dead-letter stream: what `replay` takes. */
  readonly seq: number;
  /** The consumer that failed it (a sanitised subscription name). */
  readonly consumer: string;
  /** The stream and subject it was published to. */
  readonly stream: string;
  readonly subject: string;
  /** Null when the body was not an envelope (it is replayed as it was). */
  readonly envelope: EventEnvelope | null;
  readonly error: string;
  readonly attempts: number;
  readonly failedAt: string;
}

export interface DeadLetters {
  /** Oldest first; only `consumer`'s when named. */
  list(options?: { consumer?: string; limit?: number }): Promise<DeadLetter[]>;
  /**
   * Publishes each message again to its original subject, addressed to the
   * consumer that failed it (the stream's other consumers skip it), then
   * removes it from the dead-letter stream. Unknown sequences reject before
   * anything is replayed. Returns what was replayed.
   */
  replay(seqs: readonly number[] | 'all', options?: { consumer?: string }): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export interface DeadLettersOptions {
  /** An open connection, left open by `close`; else one is opened to `servers`. */
  readonly connection?: NatsConnection;
  readonly servers?: string | readonly string[];
  /** The bus's prefix (see `natsEventBus`). */
  readonly prefix?: string;
  /** Bound on each NATS request. */
  readonly timeoutMs?: number;
}

/** Reads and replays the dead letters of the buses that share `prefix`. */
export async function deadLetters(options: DeadLettersOptions): Promise<DeadLetters> {
  const timeout = options.timeoutMs ?? 5000;
  const own = options.connection === undefined;
  const nc =
    options.connection ??
    (await connect({
      servers: [...[options.servers ?? 'nats://127.0.0.1:4222'].flat()],
      name: 'stratum-dead-letters',
      timeout,
      reconnect: false,
    }));
  const names = natsNames(options.prefix);
  const stream = deadLetterStreamName(names);
  const jsm = await jetstreamManager(nc, { timeout });
  const js = jetstream(nc, { timeout });

  /** Dead letters with their original bodies, oldest first. */
  async function read(consumer?: string, limit = Infinity): Promise<StoredLetter[]> {
    const first = await firstSeq(jsm, stream);
    if (first === null) return [];
    const filter = deadLetterSubject(names, consumer);
    const found: StoredLetter[] = [];
    let seq = first;
    while (found.length < limit) {
      const msg = await jsm.direct.getMessage(stream, { seq, next_by_subj: filter });
      if (!msg) break;
      found.push(readDeadLetter(msg));
      seq = msg.seq + 1;
    }
    return found;
  }

  async function pick(seqs: readonly number[], consumer?: string): Promise<StoredLetter[]> {
    const picked = await Promise.all(
      seqs.map(async (seq) => {
        const msg = await jsm.direct.getMessage(stream, { seq }).catch(notFoundAsNull);
        const stored = msg ? readDeadLetter(msg) : null;
        const wanted = stored && (consumer === undefined || stored.letter.consumer === consumer);
        return wanted ? stored : seq;
      }),
    );
    const missing = picked.filter((p) => typeof p === 'number');
    if (missing.length > 0) {
      const whose = consumer === undefined ? '' : ` for ${consumer}`;
      throw new Error(`No dead letter with seq ${missing.join(', ')}${whose}`);
    }
    return picked.filter((p) => typeof p !== 'number');
  }

  return {
    async list(o) {
      return (await read(o?.consumer, o?.limit)).map((s) => s.letter);
    },
    async replay(seqs, o) {
      const stored = seqs === 'all' ? await read(o?.consumer) : await pick(seqs, o?.consumer);
      for (const s of stored) await replayOne(js, jsm, stream, s, timeout);
      return stored.map((s) => s.letter);
    },
    async close() {
      if (own) await nc.drain();
    },
  };
}

async function firstSeq(jsm: JetStreamManager, stream: string): Promise<number | null> {
  try {
    const info = await jsm.streams.info(stream);
    return info.state.messages === 0 ? null : info.state.first_seq;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === 10059) return null;
    throw err;
  }
}

function notFoundAsNull(err: unknown): null {
  if (err instanceof JetStreamApiError && err.code === 10037) return null;
  throw err;
}

interface StoredLetter {
  readonly letter: DeadLetter;
  readonly body: Uint8Array;
}

function readDeadLetter(msg: StoredMsg): StoredLetter {
  const parsed = eventEnvelopeSchema.safeParse(safeJson(msg.string()));
  const letter: DeadLetter = {
    seq: msg.seq,
    consumer: msg.header.get(h.deadConsumer),
    stream: msg.header.get(h.deadStream),
    subject: msg.header.get(h.deadSubject),
    envelope: parsed.success ? parsed.data : null,
    error: msg.header.get(h.deadError),
    attempts: Number(msg.header.get(h.deadAttempts)),
    failedAt: msg.header.get(h.deadAt),
  };
  return { letter, body: msg.data };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The replay gets its own message id: under the envelope's id JetStream's
 * duplicate window would drop it as a re-publish. The id still names the
 * dead letter, so replaying the same one twice within the window sends it once.
 */
async function replayOne(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  { letter, body }: StoredLetter,
  timeout: number,
): Promise<void> {
  const hdrs = headers();
  hdrs.set(h.replayFor, letter.consumer);
  if (letter.envelope?.traceparent) hdrs.set(h.traceparent, letter.envelope.traceparent);
  await js.publish(letter.subject, body, {
    msgID: `${letter.envelope?.id ?? letter.subject}:replay:${stream}:${letter.seq}`,
    headers: hdrs,
    timeout,
  });
  await jsm.streams.deleteMessage(stream, letter.seq);
}

/** Header values are single lines. */
function headerValue(text: string, max = 500): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, max);
}

/**
 * Copies a message a consumer gave up on into the dead-letter stream, with
 * why. The message id names the consumer and the stream sequence, so a
 * crash between this and the `term` that follows writes it only once.
 */
export async function sendToDeadLetters(
  js: JetStreamClient,
  names: NatsNames,
  failure: { consumer: string; msg: JsMsg; error: unknown; timeoutMs: number },
): Promise<void> {
  const { consumer, msg } = failure;
  const hdrs = headers();
  hdrs.set(h.deadConsumer, consumer);
  hdrs.set(h.deadStream, msg.info.stream);
  hdrs.set(h.deadSubject, msg.subject);
  hdrs.set(h.deadAttempts, String(msg.info.deliveryCount));
  hdrs.set(h.deadError, headerValue(errorMessage(failure.error)) || 'unknown error');
  hdrs.set(h.deadAt, new Date().toISOString());
  const traceparent = msg.headers?.get(h.traceparent);
  if (traceparent) hdrs.set(h.traceparent, traceparent);
  await js.publish(deadLetterSubject(names, consumer, msg.subject), msg.data, {
    msgID: `${msg.info.stream}:${consumer}:${msg.info.streamSequence}`,
    headers: hdrs,
    timeout: failure.timeoutMs,
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
