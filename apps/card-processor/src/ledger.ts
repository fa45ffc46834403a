import type { Payment } from './payments.ts';

/** The processor's payments, in memory, in the order they were created. */
export interface Ledger {
  get(id: string): Payment | undefined;
  save(payment: Payment): void;
  list(filter?: { reference?: string }): Payment[];
  clear(): void;
  readonly size: number;
}

export function createLedger(): Ledger {
  const payments = new Map<string, Payment>();
  return {
    get: (id) => payments.get(id),
    save(payment) {
      payments.set(payment.id, payment);
    },
    list(filter = {}) {
      const all = [...payments.values()];
      return filter.reference === undefined
        ? all
        : all.filter((p) => p.reference === filter.reference);
    },
    clear() {
      payments.clear();
    },
    get size() {
      return payments.size;
    },
  };
}
