import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The `COMMIT` that `lastly` asked to send with the statements being started,
 * as a way to call it off. Held for the work those statements are started
 * from, so that `together`, which waits for every piece of work before it
 * reports the first failure, can call the commit off as soon as one fails —
 * before the commit leaves, not after the other statements' answers.
 */
const pendingCommit = new AsyncLocalStorage<() => void>();

/** Runs `start` (a unit's last statements) with `cancel` as the way to call off their commit. */
export function withPendingCommit<T>(cancel: () => void, start: () => T): T {
  return pendingCommit.run(cancel, start);
}

/**
 * What calls off the commit pending for the work running now, if there is one:
 * to be called when that work fails, so that its transaction rolls back. It
 * does nothing once the commit has left.
 */
export function pendingCommitCanceller(): (() => void) | undefined {
  return pendingCommit.getStore();
}
