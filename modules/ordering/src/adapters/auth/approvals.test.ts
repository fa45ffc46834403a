import { describe, expect, it } from 'vitest';
import { DomainError, newId, type Actor, type CallContext } from '@stratum/platform';
import { authenticatorApprovals } from './approvals.ts';

const manager: Actor = {
  kind: 'user',
  id: newId(),
  roles: ['manager'],
  permissions: [],
  stores: ['*'],
};
const ctx = (tenantId: string): CallContext => ({ tenantId, actor: { ...manager, id: 'cashier' } });

describe('approvals verified like bearer tokens', () => {
  const tenant = newId();
  const approvals = authenticatorApprovals({
    authenticate: (token) =>
      token === 'good'
        ? { tenantId: tenant, actor: manager }
        : Promise.reject(new DomainError('token-expired', 'expired', 'unauthenticated')),
  });

  it('answers the approver of a valid token of the caller’s business', async () => {
    await expect(approvals.verify(ctx(tenant), 'good')).resolves.toEqual(manager);
  });

  it('refuses a manager of another business', async () => {
    await expect(approvals.verify(ctx(newId()), 'good')).rejects.toMatchObject({
      code: 'approval-invalid',
    });
  });

  it('lets the authenticator’s own refusal through (the use case calls it approval-invalid)', async () => {
    await expect(approvals.verify(ctx(tenant), 'old')).rejects.toMatchObject({
      code: 'token-expired',
    });
  });
});
