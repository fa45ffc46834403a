import { describe, expect, it } from 'vitest';
import { mayActInStore, storeFilter } from './access.ts';

const storeA = '01900000-0000-7000-8000-0000000000a1';
const storeB = '01900000-0000-7000-8000-0000000000b2';

describe('store scope', () => {
  it('lets an unscoped user act in every store', () => {
    expect(mayActInStore({ kind: 'user', stores: ['*'] }, storeA)).toBe(true);
    expect(storeFilter({ kind: 'user', stores: ['*'] })).toBeUndefined();
  });

  it('keeps a scoped user (a PIN session) to the stores of their session', () => {
    const cashier = { kind: 'user', stores: [storeA] };
    expect(mayActInStore(cashier, storeA)).toBe(true);
    expect(mayActInStore(cashier, storeB)).toBe(false);
    expect(storeFilter(cashier)).toEqual([storeA]);
  });

  it('lets a user with no stores act nowhere', () => {
    expect(mayActInStore({ kind: 'user', stores: [] }, storeA)).toBe(false);
    expect(storeFilter({ kind: 'user', stores: [] })).toEqual([]);
  });

  it('trusts services and the system, which act for an already-checked request', () => {
    expect(mayActInStore({ kind: 'service', stores: [] }, storeA)).toBe(true);
    expect(storeFilter({ kind: 'system', stores: [] })).toBeUndefined();
  });
});
