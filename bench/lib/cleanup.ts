/**
 * Undo steps (stop a process, drop a database), run newest first when the
 * scenario ends, fails, crashes, or is interrupted with Ctrl-C / SIGTERM.
 */
export class Cleanup {
  readonly #steps: { label: string; run: () => Promise<void> }[] = [];
  readonly #log: (message: string) => void;
  #running: Promise<void> | undefined;
  readonly #onSignal = (signal: NodeJS.Signals) => {
    this.#log(`${signal}: cleaning up before exiting`);
    void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };

  readonly #onCrash = (err: unknown) => {
    this.#log(`crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void this.run().finally(() => process.exit(1));
  };

  constructor(log: (message: string) => void) {
    this.#log = log;
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
    process.once('uncaughtException', this.#onCrash);
  }

  add(label: string, run: () => Promise<void>): void {
    this.#steps.push({ label, run });
  }

  /** Runs every step once, even if some fail (each failure is logged). */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
        try {
          await step.run();
        } catch (err) {
          this.#log(
            `cleanup "${step.label}" failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
      process.off('uncaughtException', this.#onCrash);
    })();
    return this.#running;
  }
}
