import { pendingCommitCanceller } from './pending-commit.ts';

/**
 * Waits for work started together — statements of one transaction sent without
 * waiting for each other's answers, which a pipelined connection sends in one
 * round trip — and reports it as if it had run one after another: the earliest
 * failure in the list is thrown, never one that a statement further down hit
 * only because an earlier one had already failed (the transaction aborted, a
 * constraint that the earlier statement's refusal would have spared).
 *
 * Start only work whose results do not feed each other, in the order it would
 * otherwise run; the database runs it in the order it was started. A
 * repository call starts when it is called, a bare query builder only when it
 * is awaited (here: after everything else in the list has started).
 *
 * Among a unit's last statements (`lastly`), the first failure also calls off
 * the `COMMIT` asked for with them if it has not left yet, without waiting for
 * the rest: a unit that fails before its commit has left is rolled back.
 */
export async function together<T extends readonly unknown[] | []>(
  work: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const cancelCommit = pendingCommitCanceller();
  const settled = await Promise.allSettled(cancelCommit ? watched(work, cancelCommit) : work);
  const values: unknown[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    values.push(outcome.value);
  }
  return values as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/**
 * Each piece of work as a promise that calls `onFailure` when it fails. A bare
 * query builder is resolved once (it runs its statement on every `then`), in
 * the order given and at the moment `Promise.allSettled` would resolve it.
 */
function watched(work: readonly unknown[], onFailure: () => void): Promise<unknown>[] {
  return work.map((piece) => {
    const started = Promise.resolve(piece);
    started.then(undefined, onFailure);
    return started;
  });
}
