import { Socket } from 'node:net';

/**
 * The writes that the transactions run by `work` make to PostgreSQL on `port`:
 * one list per transaction, in the order they began (a write that carries a
 * `begin` starts one; the outbox relay's connection, which sends none, is left
 * out), each write's text as it left. A corked socket sends what it gathered
 * in one `_writev`: on a pipelined connection a write is a round trip, which
 * is what the count is for (ADR 0016).
 */
export async function transactionWrites(
  port: number,
  work: () => Promise<unknown>,
): Promise<string[][]> {
  type Write = (this: Socket, ...args: unknown[]) => unknown;
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', Write>;
  const originals = { _write: proto._write, _writev: proto._writev };
  const transactions: string[][] = [];
  const current = new Map<Socket, string[]>();
  for (const name of ['_write', '_writev'] as const) {
    const original = originals[name];
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port) {
        const data = args[0];
        const text = Array.isArray(data)
          ? data.map((c: { chunk: Buffer }) => String(c.chunk)).join('')
          : String(data);
        if (text.includes('begin')) {
          const transaction: string[] = [];
          transactions.push(transaction);
          current.set(this, transaction);
        }
        current.get(this)?.push(text);
      }
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, originals);
  }
  return transactions;
}
