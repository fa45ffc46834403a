import { describe, expect, it } from 'vitest';
import { receiveStep, validateTransfer } from './transfer.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('transfers', () => {
  it('need two different stores', () => {
    expect(() => validateTransfer(id(1), id(1), [])).toThrow(
      expect.objectContaining({ code: 'same-store-transfer' }),
    );
  });

  it('are received once', () => {
    expect(() => receiveStep('dispatched')).not.toThrow();
    expect(() => receiveStep('received')).toThrow(
      expect.objectContaining({ code: 'transfer-already-received' }),
    );
  });
});
