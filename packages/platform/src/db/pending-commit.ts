import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What to call when the statements `lastly` starts fail: it calls off the
 * `COMMIT` asked for with them while it has not left (and notes the failure
 * once it has). Held for the work those statements are started from, so that
 * `together`, which waits for every piece of work before it reports the first
 * failure, can call the commit off as soon as one fails — before the commit
 * leaves, not after the other statements' answers.
 */
const pendingCommit = new AsyncLocalStorage<() => void>();

/** Runs `start` (a unit's last statements) with `failed` to call if they fail. */
export function withPendingCommit<T>(failed: () => void, start: () => T): T {
  return pendingCommit.run(failed, start);
}

/**
 * What calls off the commit pending for the work running now, if there is one:
 * to be called when that work fails, so that its transaction rolls back. Once
 * the commit has left it can only note the failure.
 */
export function pendingCommitCanceller(): (() => void) | undefined {
  return pendingCommit.getStore();
}
