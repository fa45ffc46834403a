import { describe, expect, it } from 'vitest';
import { decideRefresh, type RefreshTokenState } from './refresh.ts';

const now = new Date('2026-01-01T12:00:00Z');
const later = new Date('2026-01-02T12:00:00Z');
const fresh: RefreshTokenState = {
  usedAt: null,
  expiresAt: later,
  session: { revokedAt: null, expiresAt: later, userActive: true },
};

describe('decideRefresh', () => {
  it('rotates an unused, unexpired token of an active user', () => {
    expect(decideRefresh(fresh, now)).toEqual({ kind: 'rotate' });
  });
  it('revokes the whole family when a used token comes back', () => {
    expect(decideRefresh({ ...fresh, usedAt: now }, now)).toEqual({ kind: 'revoke-family' });
  });
  it('rejects a token of a revoked session, even if unused', () => {
    expect(decideRefresh({ ...fresh, session: { ...fresh.session, revokedAt: now } }, now)).toEqual(
      {
        kind: 'reject',
        reason: 'revoked',
      },
    );
  });
  it('rejects at once when the user was deactivated', () => {
    expect(
      decideRefresh({ ...fresh, session: { ...fresh.session, userActive: false } }, now),
    ).toEqual({
      kind: 'reject',
      reason: 'user-deactivated',
    });
  });
  it('rejects an expired token and a session past its absolute lifetime', () => {
    expect(decideRefresh({ ...fresh, expiresAt: now }, now)).toMatchObject({ reason: 'expired' });
    expect(
      decideRefresh({ ...fresh, session: { ...fresh.session, expiresAt: now } }, now),
    ).toMatchObject({
      reason: 'expired',
    });
  });
});
