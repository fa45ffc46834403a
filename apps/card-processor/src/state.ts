import type { Faults } from './faults.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { Ledger } from './ledger.ts';
import type { RequestCounter } from './stats.ts';

/** Everything one processor instance remembers; shared by its routes. */
export interface ProcessorState {
  apiKey: string;
  ledger: Ledger;
  keys: IdempotencyStore;
  faults: Faults;
  counter: RequestCounter;
  now: () => Date;
  /** Aborted when the server closes: pending latency and hangs end at once. */
  closing: AbortSignal;
}
