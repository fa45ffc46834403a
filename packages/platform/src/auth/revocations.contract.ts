import { describe, expect, it, vi } from 'vitest';
import type { SessionRevocations } from './tokens.ts';

export interface RevocationsContractOptions {
  /** `isRevoked` answers with a boolean, never a promise (it runs on every request). */
  answersSynchronously: boolean;
}

const poll = { timeout: 5_000, interval: 10 };
const aMinute = 60_000;
/** Short enough to run out during a test; the end is polled for, never slept on. */
const shortMs = 50;

/**
 * The behaviour every `SessionRevocations` adapter shares. `makeRevocations`
 * returns a fresh, started store with nothing revoked (a new key space for a
 * shared store), on the real clock.
 */
export function describeSessionRevocationsContract(
  name: string,
  makeRevocations: () => SessionRevocations | Promise<SessionRevocations>,
  options: RevocationsContractOptions,
): void {
  describe(`${name} satisfies the SessionRevocations contract`, () => {
    it('reports a revoked session as revoked, and other sessions as not', async () => {
      const revocations = await makeRevocations();

      await revocations.revoke('s-1', Date.now() + aMinute);

      expect(await revocations.isRevoked('s-1')).toBe(true);
      expect(await revocations.isRevoked('s-2')).toBe(false);
    });

    it('reports a session that was never revoked as not revoked', async () => {
      const revocations = await makeRevocations();

      expect(await revocations.isRevoked('unknown')).toBe(false);
    });

    it('forgets a revocation once its time has passed, but not one still running', async () => {
      const revocations = await makeRevocations();
      await revocations.revoke('long', Date.now() + aMinute);
      await revocations.revoke('short', Date.now() + shortMs);

      await vi.waitFor(async () => expect(await revocations.isRevoked('short')).toBe(false), poll);
      expect(await revocations.isRevoked('long')).toBe(true);
    });

    it('ignores a revocation whose time has already passed', async () => {
      const revocations = await makeRevocations();

      await revocations.revoke('s-1', Date.now() - 1_000);

      expect(await revocations.isRevoked('s-1')).toBe(false);
    });

    it('extends a revocation when the same session is revoked again until later', async () => {
      const revocations = await makeRevocations();
      await revocations.revoke('s-1', Date.now() + shortMs);
      await revocations.revoke('s-1', Date.now() + aMinute);
      await revocations.revoke('witness', Date.now() + shortMs);

      await vi.waitFor(
        async () => expect(await revocations.isRevoked('witness')).toBe(false),
        poll,
      );
      expect(await revocations.isRevoked('s-1')).toBe(true);
    });

    it('keeps the later revocation when the same session is revoked again until earlier', async () => {
      const revocations = await makeRevocations();
      await revocations.revoke('s-1', Date.now() + aMinute);
      await revocations.revoke('s-1', Date.now() + shortMs);
      await revocations.revoke('witness', Date.now() + shortMs);

      await vi.waitFor(
        async () => expect(await revocations.isRevoked('witness')).toBe(false),
        poll,
      );
      expect(await revocations.isRevoked('s-1')).toBe(true);
    });

    if (options.answersSynchronously) {
      it('answers isRevoked with a boolean, without a promise', async () => {
        const revocations = await makeRevocations();
        await revocations.revoke('s-1', Date.now() + aMinute);

        expect(revocations.isRevoked('s-1')).toBe(true);
        expect(revocations.isRevoked('s-2')).toBe(false);
      });
    }
  });
}
