// Lists and replays the messages that event consumers gave up on:
// `npm run dlq -- list [--consumer X] [--limit N] [--json]`
// `npm run dlq -- replay <seq...> | --all [--consumer X] [--json]`
// Reads NATS_URL (default nats://127.0.0.1:4222) and NATS_PREFIX (default none).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deadLetters, type DeadLetter, type DeadLetters } from '@stratum/platform';

export const usage = `Usage:
  npm run dlq -- list [--consumer NAME] [--limit N] [--json]
  npm run dlq -- replay SEQ... [--consumer NAME] [--json]
  npm run dlq -- replay --all [--consumer NAME] [--json]

Environment: NATS_URL (default nats://127.0.0.1:4222), NATS_PREFIX (default none).`;

export type DlqCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'list';
      readonly consumer?: string;
      readonly limit: number;
      readonly json: boolean;
    }
  | {
      readonly kind: 'replay';
      readonly seqs: readonly number[] | 'all';
      readonly consumer?: string;
      readonly json: boolean;
    };

/** A command line the tool cannot act on; its message says why. */
export class UsageError extends Error {}

/** Reads the command line (without `node` and the script). */
export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        consumer: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') return { kind: 'help' };
  const consumer = values.consumer;
  if (consumer !== undefined && consumer.trim() === '') throw new UsageError('--consumer is empty');
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no arguments: ${rest.join(' ')}`);
    if (values.all) throw new UsageError('--all belongs to replay');
    return {
      kind: 'list',
      consumer,
      limit: positiveInteger('--limit', values.limit ?? '100'),
      json: values.json,
    };
  }
  if (command === 'replay') {
    if (values.limit !== undefined) throw new UsageError('--limit belongs to list');
    if (values.all && rest.length > 0) throw new UsageError('Give sequences or --all, not both');
    if (!values.all && rest.length === 0) throw new UsageError('replay needs sequences or --all');
    const seqs = values.all ? 'all' : rest.map((s) => positiveInteger('sequence', s));
    return { kind: 'replay', seqs, consumer, json: values.json };
  }
  throw new UsageError(command ? `Unknown command: ${command}` : 'Missing command');
}

function positiveInteger(what: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${what} must be a positive integer: ${text}`);
  }
  return n;
}

/** One line per dead letter, in aligned columns. */
export function formatTable(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'No dead letters.';
  const rows = letters.map((l) => [
    String(l.seq),
    l.failedAt,
    l.consumer,
    l.envelope?.type ?? '(not an envelope)',
    l.envelope?.tenantId ?? '',
    l.envelope?.id ?? '',
    String(l.attempts),
    l.error,
  ]);
  const header = [
    'SEQ',
    'FAILED AT',
    'CONSUMER',
    'TYPE',
    'TENANT',
    'EVENT ID',
    'ATTEMPTS',
    'ERROR',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

async function run(command: Exclude<DlqCommand, { kind: 'help' }>, dlq: DeadLetters) {
  if (command.kind === 'list') {
    const letters = await dlq.list({ consumer: command.consumer, limit: command.limit });
    return command.json ? JSON.stringify(letters, null, 2) : formatTable(letters);
  }
  const replayed = await dlq.replay(command.seqs, { consumer: command.consumer });
  if (command.json) return JSON.stringify(replayed, null, 2);
  if (replayed.length === 0) return 'Nothing to replay.';
  return `Replayed ${replayed.length} message(s):\n${formatTable(replayed)}`;
}

/** Runs the tool; resolves to the exit code (0 done, 1 failed, 2 bad command line). */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n\n${usage}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    out(`${usage}\n`);
    return 0;
  }
  const servers = env.NATS_URL || 'nats://127.0.0.1:4222';
  let dlq: DeadLetters | undefined;
  try {
    dlq = await deadLetters({ servers, prefix: env.NATS_PREFIX || '' });
    out(`${await run(command, dlq)}\n`);
    return 0;
  } catch (e) {
    err(
      `dlq ${command.kind} failed (NATS at ${servers}): ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  } finally {
    await dlq?.close().catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(
    process.argv.slice(2),
    process.env,
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}
