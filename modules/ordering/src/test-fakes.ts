// In-memory stand-ins for the modules ordering calls, for ordering's own
// tests: the catalog's quoteLine, store-ops' StoreDirectory, and a token
// registry that plays identity's authenticator. Not used by production code.
import {
  DomainError,
  newId,
  type Actor,
  type Authenticator,
  type CallContext,
  type Principal,
} from '@stratum/platform';
import type { CatalogApi, QuoteView } from '@stratum/catalog/contract';
import type {
  RegisterView,
  StoreDirectory,
  StoreOpsApi,
  StoreView,
  TableView,
} from '@stratum/store-ops/contract';
import { orderingPermissions } from './contract.ts';
import type { Approvals } from './application/ports.ts';

export interface ItemSpec {
  name: string;
  variant?: string;
  price: number;
  station?: string | null;
  /** Rates in basis points; inclusive unless said otherwise. */
  taxes?: { bps: number; inclusive?: boolean; name?: string }[];
  options?: { name: string; delta: number }[];
}

export interface CatalogItem {
  itemId: string;
  variantId: string;
  optionIds: string[];
}

/** The catalog's `quoteLine`, over items the test puts in. */
export function inMemoryCatalog() {
  const quotes = new Map<string, Omit<QuoteView, 'options' | 'unitPriceMinor'>>();
  const options = new Map<string, QuoteView['options'][number]>();
  const unavailable = new Set<string>();
  const quoteLine: CatalogApi['quoteLine'] = (_ctx, _storeId, input) => {
    const q = quotes.get(input.variantId);
    if (!q) {
      return Promise.reject(new DomainError('variant-not-found', 'No such variant.', 'not-found'));
    }
    const chosen = (input.optionIds ?? []).map((id) => options.get(id));
    const valid = chosen.every((o) => o && quotes.get(input.variantId)?.itemId === o.groupId);
    if (!valid) {
      return Promise.reject(
        new DomainError('invalid-selection', 'Options do not fit.', 'unprocessable', {
          reason: 'unknown-option',
        }),
      );
    }
    const picked = chosen.flatMap((o) => (o ? [o] : []));
    return Promise.resolve({
      ...q,
      options: picked,
      unitPriceMinor: q.variantPriceMinor + picked.reduce((s, o) => s + o.priceDeltaMinor, 0),
      available: !unavailable.has(q.itemId),
    });
  };
  return {
    quoteLine,
    add(spec: ItemSpec): CatalogItem {
      const itemId = newId();
      const variantId = newId();
      // The item id doubles as its one modifier group's id.
      const optionIds = (spec.options ?? []).map((o) => {
        const id = newId();
        options.set(id, { id, groupId: itemId, name: o.name, priceDeltaMinor: o.delta });
        return id;
      });
      quotes.set(variantId, {
        itemId,
        itemName: spec.name,
        variantId,
        variantName: spec.variant ?? 'Regular',
        variantPriceMinor: spec.price,
        taxRates: (spec.taxes ?? [{ bps: 700 }]).map((t) => ({
          id: newId(),
          name: t.name ?? 'VAT',
          rateBps: t.bps,
          inclusive: t.inclusive ?? true,
        })),
        kitchenStation: spec.station === undefined ? 'kitchen' : spec.station,
        available: true,
      });
      return { itemId, variantId, optionIds };
    },
    setPrice(variantId: string, price: number): void {
      const q = quotes.get(variantId);
      if (q) quotes.set(variantId, { ...q, variantPriceMinor: price });
    },
    setAvailable(itemId: string, available: boolean): void {
      if (available) unavailable.delete(itemId);
      else unavailable.add(itemId);
    },
  };
}
export type InMemoryCatalog = ReturnType<typeof inMemoryCatalog>;

/** Store-ops' directory over stores and registers the test adds. */
export function inMemoryStoreDirectory() {
  const stores = new Map<string, StoreView>();
  const registers = new Map<string, RegisterView>();
  const tables = new Map<string, TableView>();
  /** How often a register was asked for (to see what a caller keeps). */
  const registerLookUps = { count: 0 };
  const directory: StoreDirectory & Pick<StoreOpsApi, 'getRegister' | 'getTable'> = {
    getStore(_ctx, storeId) {
      const store = stores.get(storeId);
      if (!store) {
        return Promise.reject(new DomainError('store-not-found', 'No such store.', 'not-found'));
      }
      return Promise.resolve(store);
    },
    getRegister(_ctx, registerId) {
      registerLookUps.count += 1;
      const register = registers.get(registerId);
      if (!register) {
        return Promise.reject(
          new DomainError('register-not-found', 'No such register.', 'not-found'),
        );
      }
      return Promise.resolve(register);
    },
    getTable(_ctx, tableId) {
      const table = tables.get(tableId);
      if (!table) {
        return Promise.reject(new DomainError('table-not-found', 'No such table.', 'not-found'));
      }
      return Promise.resolve(table);
    },
  };
  return {
    ...directory,
    add(overrides: Partial<StoreView> = {}): StoreView {
      const store: StoreView = {
        id: newId(),
        name: 'Café Stratum',
        timezone: 'Europe/Berlin',
        currency: 'EUR',
        address: {
          line1: '1 Harbour Street',
          line2: null,
          city: 'Hamburg',
          postalCode: '20457',
          country: 'DE',
        },
        taxInclusive: true,
        taxRounding: 'per-line',
        oversellPolicy: 'block',
        status: 'active',
        createdAt: new Date(0).toISOString(),
        ...overrides,
      };
      stores.set(store.id, store);
      return store;
    },
    /** A register of `storeId` (a new id unless one is given). */
    addRegister(storeId: string, id: string = newId()): string {
      registers.set(id, {
        id,
        storeId,
        name: `Till ${registers.size + 1}`,
        deviceId: null,
        status: 'active',
        createdAt: new Date(0).toISOString(),
      });
      return id;
    },
    registerLookUps,
    /** A table of `storeId`'s floor plan; answers its id. */
    addTable(storeId: string, name: string, active = true): string {
      const id = newId();
      tables.set(id, {
        id,
        storeId,
        sectionId: newId(),
        name,
        seats: 4,
        active,
        createdAt: new Date(0).toISOString(),
      });
      return id;
    },
    /** What store-ops' update does to the store (settings read afresh on the next look-up). */
    update(storeId: string, patch: Partial<StoreView>): void {
      const store = stores.get(storeId);
      if (!store) throw new Error(`no store ${storeId}`);
      stores.set(storeId, { ...store, ...patch });
    },
  };
}

/**
 * Bearer tokens for tests: each names a principal with the ordering
 * permissions of its roles. It answers as identity's authenticator does (the
 * HTTP app) and as the Approvals port does (a manager's token at the till).
 */
export function tokenRegistry() {
  const principals = new Map<string, Principal>();
  const authenticator: Authenticator = {
    authenticate(bearer) {
      const principal = principals.get(bearer);
      if (principal) return principal;
      return Promise.reject(
        new DomainError('unauthenticated', 'Unknown token.', 'unauthenticated'),
      );
    },
    stillValid: (principal) => [...principals.values()].includes(principal),
  };
  const approvals: Approvals = {
    async verify(ctx: CallContext, token: string): Promise<Actor> {
      const principal = await authenticator.authenticate(token);
      if (principal.tenantId !== ctx.tenantId) {
        throw new DomainError('approval-invalid', 'Another business.', 'forbidden');
      }
      return principal.actor;
    },
  };
  return {
    authenticator,
    approvals,
    /** A user of `tenantId` with `roles`, acting in `stores` ('*': all), and their token. */
    user(
      tenantId: string,
      roles: string[],
      stores: string[] = ['*'],
    ): { actor: Actor; ctx: CallContext; token: string } {
      const permissions = Object.entries(orderingPermissions)
        .filter(([, holders]) => roles.some((r) => (holders as readonly string[]).includes(r)))
        .map(([permission]) => permission);
      const actor: Actor = { kind: 'user', id: newId(), roles, permissions, stores };
      const token = `token-${newId()}`;
      principals.set(token, { tenantId, actor });
      return { actor, ctx: { tenantId, actor }, token };
    },
    /** Ends the token's session, as a logout does. */
    revoke(token: string): void {
      principals.delete(token);
    },
  };
}
export type TokenRegistry = ReturnType<typeof tokenRegistry>;
