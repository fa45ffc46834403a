import type { StratumServer } from '../server.ts';
import {
  demoAccounts,
  demoBusiness,
  demoCategories,
  demoIngredients,
  demoModifierGroups,
  demoStores,
  demoTaxRates,
  type DemoItem,
} from './demo-data.ts';

export interface SeedSummary {
  created: boolean;
  tenantId: string;
  stores: number;
  items: number;
  variants: number;
  ingredients: number;
  recipes: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

interface Answer {
  status: number;
  body: string;
}
type Send = (
  method: Method,
  url: string,
  token: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

/** Requests into a server of this process (`app.inject`), or over HTTP to a base URL (e.g. the gateway). */
function transportOf(target: StratumServer | string): { send: Send; wake: () => void } {
  if (typeof target === 'string') {
    return {
      async send(method, url, token, payload, headers = {}) {
        const res = await fetch(new URL(url, target), {
          method,
          headers: {
            ...(token && { authorization: `Bearer ${token}` }),
            ...(payload !== undefined && { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(payload !== undefined && { body: JSON.stringify(payload) }),
        });
        return { status: res.status, body: await res.text() };
      },
      wake: () => undefined,
    };
  }
  return {
    async send(method, url, token, payload, headers = {}) {
      const res = await target.app.inject({
        method,
        url,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
        ...(payload !== undefined && { payload: payload as object }),
        remoteAddress: '127.0.0.1',
      });
      return { status: res.statusCode, body: res.body };
    },
    wake: () => target.relay.wake(),
  };
}

/**
 * Creates the demo café through the public HTTP API — in-process, or at a
 * base URL (any deployment shape, e.g. through the gateway) — so the demo
 * data passes the same validation and rules as anything a user would enter.
 * Idempotent: if the demo owner exists, nothing is written.
 */
export async function seedDemo(
  target: StratumServer | string,
  log: (message: string) => void = () => {},
): Promise<SeedSummary> {
  const transport = transportOf(target);
  let token = '';
  const call = async <T>(
    method: Method,
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> => {
    const res = await transport.send(method, url, token, payload, headers);
    if (res.status >= 300) throw new Error(`seed: ${method} ${url} → ${res.status} ${res.body}`);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
  };

  const existing = await transport.send(
    'POST',
    '/api/v1/identity/auth/login',
    '',
    demoAccounts.owner,
  );
  if (existing.status === 200) {
    token = (JSON.parse(existing.body) as { accessToken: string }).accessToken;
    const me = await call<{ tenant: { id: string } }>('GET', '/api/v1/identity/me');
    log('the demo tenant already exists; nothing to do');
    return {
      created: false,
      tenantId: me.tenant.id,
      stores: 0,
      items: 0,
      variants: 0,
      ingredients: 0,
      recipes: 0,
    };
  }

  const signup = await call<{ tenant: { id: string }; tokens: { accessToken: string } }>(
    'POST',
    '/api/v1/identity/signup',
    {
      businessName: demoBusiness,
      ownerEmail: demoAccounts.owner.email,
      ownerName: 'Demo Owner',
      password: demoAccounts.owner.password,
    },
  );
  token = signup.tokens.accessToken;
  log(`tenant "${demoBusiness}" created`);
  for (const [role, account] of [
    ['manager', demoAccounts.manager],
    ['cashier', demoAccounts.cashier],
  ] as const) {
    await call('POST', '/api/v1/identity/users', {
      email: account.email,
      displayName: `Demo ${role}`,
      roles: [role],
      password: account.password,
      pin: role === 'manager' ? '2468' : '1357',
    });
  }

  const storeIds: string[] = [];
  for (const store of demoStores) {
    const created = await call<{ id: string }>('POST', '/api/v1/store-ops/stores', {
      name: store.name,
      timezone: store.timezone,
      currency: 'EUR',
      address: store.address,
      taxInclusive: true,
      taxRounding: 'per-line',
      oversellPolicy: 'warn',
    });
    storeIds.push(created.id);
    for (const name of store.registers) {
      await call('POST', '/api/v1/store-ops/registers', { storeId: created.id, name });
    }
    let position = 0;
    for (const [section, seats] of Object.entries(
      store.tables as Record<string, readonly number[]>,
    )) {
      const s = await call<{ id: string }>('POST', '/api/v1/store-ops/sections', {
        storeId: created.id,
        name: section,
        position: position++,
      });
      for (const [i, n] of seats.entries()) {
        await call('POST', '/api/v1/store-ops/tables', {
          sectionId: s.id,
          name: `${section[0]}${i + 1}`,
          seats: n,
        });
      }
    }
  }
  log(`${storeIds.length} stores with registers and floor plans`);

  const taxIds: Record<string, string> = {};
  for (const rate of demoTaxRates) {
    taxIds[rate.key] = (
      await call<{ id: string }>('POST', '/api/v1/catalog/tax-rates', {
        name: rate.name,
        rateBps: rate.rateBps,
        inclusive: rate.inclusive,
      })
    ).id;
  }
  const groupIds: Record<string, string> = {};
  for (const group of demoModifierGroups) {
    groupIds[group.key] = (
      await call<{ id: string }>('POST', '/api/v1/catalog/modifier-groups', {
        name: group.name,
        minSelections: group.min,
        maxSelections: group.max,
        options: group.options,
      })
    ).id;
  }

  type Created = { id: string; variants: { id: string; name: string }[] };
  const createItem = (item: DemoItem, categoryId: string | null) =>
    call<Created>('POST', '/api/v1/catalog/items', {
      name: item.name,
      kind: item.kind,
      unit: item.unit,
      categoryId,
      kitchenStation: item.station ?? null,
      variants: Object.entries(item.variants).map(([name, priceMinor], i) => ({
        name: name || 'Regular',
        priceMinor,
        sku: item.sku
          ? Object.keys(item.variants).length > 1
            ? `${item.sku}-${i + 1}`
            : item.sku
          : null,
        barcode: i === 0 && item.barcode ? item.barcode : null,
      })),
      modifierGroupIds: (item.modifiers ?? []).map((key) => groupIds[key]),
      taxRateIds: [taxIds[item.tax]],
    });

  const ingredientIds: Record<string, string> = {};
  for (const ingredient of demoIngredients) {
    const created = await createItem(
      {
        name: ingredient.name,
        kind: 'ingredient',
        unit: ingredient.unit,
        tax: 'food',
        variants: { '': 0 },
      },
      null,
    );
    ingredientIds[ingredient.name] = created.variants[0]!.id;
  }

  let items = 0;
  let variants = 0;
  const recipes: { variantId: string; components: { stockItemId: string; quantity: number }[] }[] =
    [];
  const stocked: { variantId: string; stock: number; lowStock: number }[] = [];
  for (const category of demoCategories) {
    const { id: categoryId } = await call<{ id: string }>('POST', '/api/v1/catalog/categories', {
      name: category.name,
    });
    for (const item of category.items) {
      const created = await createItem(item, categoryId);
      items += 1;
      variants += created.variants.length;
      for (const variant of created.variants) {
        if (item.recipe) {
          const scale = item.scale?.[variant.name] ?? 1;
          recipes.push({
            variantId: variant.id,
            components: Object.entries(item.recipe).map(([name, quantity]) => ({
              stockItemId: ingredientIds[name]!,
              quantity: Math.max(1, Math.round(quantity * scale)),
            })),
          });
        }
        if (item.stock !== undefined) {
          stocked.push({ variantId: variant.id, stock: item.stock, lowStock: item.lowStock ?? 0 });
        }
      }
    }
  }
  log(
    `${items} menu and retail items with ${variants} variants, ${demoIngredients.length} ingredients`,
  );

  // Inventory learns about new variants from the catalog's events: wait until it has them all.
  const needed = [
    ...Object.values(ingredientIds),
    ...stocked.map((s) => s.variantId),
    ...recipes.map((r) => r.variantId),
  ];
  for (const id of needed) await waitForStockItem(transport, token, id);

  for (const recipe of recipes) {
    await call('PUT', `/api/v1/inventory/recipes/${recipe.variantId}`, {
      components: recipe.components,
    });
  }
  const opening = [
    ...demoIngredients.map((i) => ({
      variantId: ingredientIds[i.name]!,
      stock: i.stock,
      lowStock: i.lowStock,
    })),
    ...stocked,
  ];
  for (const storeId of storeIds) {
    // One key per store's opening stock: a retried request never receives it twice.
    await call(
      'POST',
      '/api/v1/inventory/movements',
      {
        storeId,
        kind: 'receipt',
        reference: 'Opening stock',
        lines: opening.map((o) => ({ stockItemId: o.variantId, quantity: o.stock })),
      },
      { 'idempotency-key': `opening-stock-${storeId}` },
    );
    for (const o of opening.filter((x) => x.lowStock > 0)) {
      await call('PUT', `/api/v1/inventory/levels/${storeId}/${o.variantId}/threshold`, {
        threshold: o.lowStock,
      });
    }
  }
  log(`${recipes.length} recipes and opening stock in every store`);
  return {
    created: true,
    tenantId: signup.tenant.id,
    stores: storeIds.length,
    items,
    variants,
    ingredients: demoIngredients.length,
    recipes: recipes.length,
  };
}

/** Polls (bounded) until inventory has registered a catalog variant as a stock item. */
async function waitForStockItem(
  transport: { send: Send; wake: () => void },
  token: string,
  variantId: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await transport.send('GET', `/api/v1/inventory/stock-items/${variantId}`, token);
    if (res.status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`seed: inventory never registered variant ${variantId}`);
    transport.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
