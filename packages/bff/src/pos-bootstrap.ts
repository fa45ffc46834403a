import { z } from 'zod';
import {
  drawerSessionView,
  registerView,
  storeView,
  type RegisterView,
} from '@stratum/store-ops/contract';
import { menuDocument } from '@stratum/catalog/contract';
import { orderSummaryView } from '@stratum/ordering/contract';
import type { BffSources } from './sources.ts';
import { denied, mayRead, type BffCaller } from './call.ts';
import {
  assertSomePart,
  dataOf,
  isRequestError,
  missing,
  partOf,
  runPart,
  type Part,
  type PartFailure,
} from './parts.ts';

export const posBootstrapQuery = z.object({ registerId: z.uuid() });

export const posBootstrapView = z
  .object({
    registerId: z.uuid(),
    register: partOf(registerView),
    store: partOf(storeView),
    /** The register's open drawer session, or null when the drawer is closed. */
    drawer: partOf(drawerSessionView.nullable()),
    menu: partOf(menuDocument),
    openOrders: partOf(z.array(orderSummaryView)),
  })
  .meta({ id: 'PosBootstrap', description: 'What a register needs to start, in one answer' });
export type PosBootstrapView = z.infer<typeof posBootstrapView>;

/** The permission each part's module route asks for. */
const permissions = {
  register: 'stores:read',
  store: 'stores:read',
  drawer: 'drawers:operate',
  menu: 'catalog:read',
  openOrders: 'ordering:read',
} as const;

export interface PartSettings {
  timeoutMs: number;
  onFailure: (failure: PartFailure) => void;
}

export interface BootstrapLimits {
  openOrders: number;
}

/**
 * The register's whole start-up state. The register comes first only for
 * the store and the menu (they need its store); the drawer and the open
 * orders are fetched beside it. An unknown or forbidden register fails the
 * request; any other failure costs only its own part.
 */
export async function posBootstrap(
  sources: BffSources,
  caller: BffCaller,
  registerId: string,
  settings: PartSettings & { limits: BootstrapLimits },
): Promise<PosBootstrapView> {
  const run = <T>(
    name: keyof typeof permissions,
    fetch: (signal: AbortSignal) => Promise<T>,
    rethrow?: (error: unknown) => boolean,
  ): Promise<Part<T>> =>
    mayRead(caller, permissions[name])
      ? runPart(name, fetch, {
          timeoutMs: settings.timeoutMs,
          onFailure: settings.onFailure,
          ...(rethrow && { rethrow }),
        })
      : Promise.resolve(denied(permissions[name]));

  const registerPart = run(
    'register',
    (signal) => sources.getRegister({ ...caller, signal }, registerId),
    isRequestError,
  );
  const drawer = run('drawer', (signal) =>
    sources.currentDrawer({ ...caller, signal }, registerId),
  );
  const openOrders = run('openOrders', (signal) =>
    sources.openOrders({ ...caller, signal }, { registerId, limit: settings.limits.openOrders }),
  );
  let register: Part<RegisterView>;
  try {
    register = await registerPart;
  } catch (error) {
    // The parts already running finish (they never reject) before the request fails.
    await Promise.all([drawer, openOrders]);
    throw error;
  }
  const storeId = dataOf(register)?.storeId;
  const unknownStore = () =>
    Promise.resolve(
      missing('register-unavailable', 'The register (and so its store) could not be loaded.'),
    );
  const [store, menu] = await Promise.all([
    storeId
      ? run('store', (signal) => sources.getStore({ ...caller, signal }, storeId))
      : unknownStore(),
    storeId
      ? run('menu', (signal) => sources.menu({ ...caller, signal }, storeId))
      : unknownStore(),
  ]);
  const parts = { register, store, drawer: await drawer, menu, openOrders: await openOrders };
  assertSomePart(parts);
  return { registerId, ...parts };
}
