import type { Authenticator } from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { Approvals } from '../../application/ports.ts';

/**
 * Ordering's `Approvals` port on the platform's token authenticator (the one
 * identity hands the HTTP app): a manager's access token, from a PIN or
 * password login at the till, is verified like any bearer token (signature,
 * expiry, revoked session) and must belong to the caller's own business.
 */
export function authenticatorApprovals(authenticator: Authenticator): Approvals {
  return {
    async verify(ctx, token) {
      const principal = await authenticator.authenticate(token);
      if (principal.tenantId !== ctx.tenantId) {
        raise('approval-invalid', 'The approver belongs to another business.');
      }
      return principal.actor;
    },
  };
}
