/** What the store knows about a presented refresh token and its session. */
export interface RefreshTokenState {
  readonly usedAt: Date | null;
  readonly expiresAt: Date;
  readonly session: {
    readonly revokedAt: Date | null;
    readonly expiresAt: Date;
    readonly userActive: boolean;
  };
}

export type RefreshDecision =
  | { kind: 'rotate' }
  | { kind: 'reject'; reason: 'expired' | 'revoked' | 'user-deactivated' }
  /** A token that was already exchanged came back: someone holds a copy. */
  | { kind: 'revoke-family' };

/**
 * Refresh tokens rotate on every use. A second use of the same token means
 * it leaked (or the client raced itself), so the whole family is revoked.
 */
export function decideRefresh(state: RefreshTokenState, now: Date): RefreshDecision {
  if (state.session.revokedAt) return { kind: 'reject', reason: 'revoked' };
  if (state.usedAt) return { kind: 'revoke-family' };
  if (!state.session.userActive) return { kind: 'reject', reason: 'user-deactivated' };
  if (state.expiresAt <= now || state.session.expiresAt <= now)
    return { kind: 'reject', reason: 'expired' };
  return { kind: 'rotate' };
}
