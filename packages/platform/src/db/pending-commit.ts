/**
 * What to call when the statements `lastly` starts fail: it calls off the
 * `COMMIT` asked for with them while it has not left (and notes the failure
 * once it has). It is current while `lastly` starts them — the synchronous
 * run of its `writes` — so that a `together` called there, which waits for
 * every piece of work before it reports the first failure, can call the
 * commit off as soon as one piece fails: before the commit leaves, not after
 * the other statements' answers.
 *
 * A plain variable, not an `AsyncLocalStorage`: on Node 20 each storage in use
 * adds to the cost of every promise the process makes (measured on the
 * checkout: 0.4 ms more server CPU per sale). Nothing else runs while
 * `writes` starts, so no other unit can see it; a `together` called past an
 * `await` inside `writes` does not (its failure still rejects `lastly`'s own
 * promise, which calls the commit off if it has not left).
 */
let current: (() => void) | undefined;

/** Runs `start` (a unit's last statements being started) with `failed` to call if they fail. */
export function withPendingCommit<T>(failed: () => void, start: () => T): T {
  const outer = current;
  current = failed;
  try {
    return start();
  } finally {
    current = outer;
  }
}

/**
 * What calls off the commit pending for the last statements being started
 * now, if there is one: to be called when that work fails, so that its
 * transaction rolls back. Once the commit has left it can only note the failure.
 */
export function pendingCommitCanceller(): (() => void) | undefined {
  return current;
}
