import { join } from 'node:path';
import {
  createHttpApp,
  createLifecycle,
  createLogger,
  createOutboxRelay,
  inMemoryRateLimiter,
  inMemorySessionRevocations,
  inProcessEventBus,
  lruCache,
  openDatabase,
  registerHealth,
  type Lifecycle,
  type Logger,
  type ModuleDeps,
  type ModuleInstance,
  type ModuleManifest,
  type OutboxRelay,
} from '@stratum/platform';
import { createIdentityModule, identityManifest } from '@stratum/identity';
import { createStoreOpsModule, storeOpsManifest } from '@stratum/store-ops';
import { catalogManifest, createCatalogModule } from '@stratum/catalog';
import { createInventoryModule, inventoryManifest } from '@stratum/inventory';
import { createPaymentsModule, httpCardProcessor, paymentsManifest } from '@stratum/payments';
import { authenticatorApprovals, createOrderingModule, orderingManifest } from '@stratum/ordering';
import type { ServerConfig } from './config.ts';
import { embeddedCardProcessor } from './card-processor.ts';

/** Every module this server can host, in mount order. */
export const manifests: readonly ModuleManifest[] = [
  identityManifest,
  storeOpsManifest,
  catalogManifest,
  inventoryManifest,
  paymentsManifest,
  orderingManifest,
];

/** Permission → roles, merged from every module's manifest. */
export function permissionCatalog(
  list: readonly ModuleManifest[],
): Record<string, readonly string[]> {
  const catalog: Record<string, readonly string[]> = {};
  for (const m of list) {
    for (const [permission, holders] of Object.entries(m.permissions)) {
      if (catalog[permission]) throw new Error(`Permission ${permission} is declared twice`);
      catalog[permission] = holders;
    }
  }
  return catalog;
}

export interface BuildOptions {
  logger?: Logger;
}

/**
 * The composition root: opens the database (applying migrations), builds the
 * modules and mounts them on one HTTP app with health, docs and shutdown.
 */
export async function buildServer(config: ServerConfig, options: BuildOptions = {}) {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const dataDir =
    config.STRATUM_DATA_DIR === ':memory:' ? ':memory:' : join(config.STRATUM_DATA_DIR, 'pglite');
  const { database, location } = await openDatabase(
    {
      ...(config.DATABASE_URL && { url: config.DATABASE_URL }),
      ...(config.DATABASE_APP_URL && { appUrl: config.DATABASE_APP_URL }),
      dataDir,
      poolSize: config.DATABASE_POOL_SIZE,
      logger,
    },
    manifests.map((m) => m.migrations),
  );

  const bus = inProcessEventBus(logger);
  const cache = lruCache({ max: 10_000 });
  // Modules are built before the relay that serves their outboxes; this is how they reach it.
  const relayRef: { current?: OutboxRelay } = {};
  const depsOf = (module: string): ModuleDeps => ({
    database,
    bus,
    logger: logger.child({ module }),
    wakeRelay: () => relayRef.current?.wake(module),
  });

  // Modules, in dependency order: a module may take another's API (through its own port).
  const identity = await createIdentityModule({
    ...depsOf('identity'),
    limiter: inMemoryRateLimiter(),
    revocations: inMemorySessionRevocations(),
    permissions: permissionCatalog(manifests),
    settings: {
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      sessionTtlSeconds: config.SESSION_TTL_SECONDS,
      pinSessionTtlSeconds: config.PIN_SESSION_TTL_SECONDS,
      limits: {
        signupPerIp: config.RATE_LIMIT_SIGNUP_IP,
        loginPerIp: config.RATE_LIMIT_LOGIN_IP,
        loginPerAccount: config.RATE_LIMIT_LOGIN_ACCOUNT,
        pinPerIp: config.RATE_LIMIT_PIN_IP,
        pinPerAccount: config.RATE_LIMIT_PIN_ACCOUNT,
      },
    },
  });
  const storeOps = createStoreOpsModule({ ...depsOf('store-ops'), cache });
  const modules: ModuleInstance[] = [identity];
  modules.push(storeOps);
  const catalog = createCatalogModule({
    ...depsOf('catalog'),
    cache,
    storeDirectory: storeOps.api,
  });
  modules.push(catalog);
  const inventory = createInventoryModule({
    ...depsOf('inventory'),
    storeDirectory: storeOps.api,
  });
  modules.push(inventory);

  // The card processor: the configured one, or a sandbox inside this process.
  const sandbox = config.PROCESSOR_URL ? undefined : await embeddedCardProcessor(config);
  const processorUrl = config.PROCESSOR_URL ?? sandbox!.url;
  const approvals = authenticatorApprovals(identity.authenticator);
  const payments = createPaymentsModule({
    ...depsOf('payments'),
    processor: httpCardProcessor({
      baseUrl: processorUrl,
      apiKey: config.PROCESSOR_API_KEY,
      policy: { deadlineMs: config.PROCESSOR_DEADLINE_MS },
    }),
    approvals,
    options: {
      defaultRefundLimit: config.REFUND_LIMIT_DEFAULT,
      idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    },
  });
  modules.push(payments);
  const crashAt = config.STRATUM_CRASH_AT;
  const ordering = createOrderingModule({
    ...depsOf('ordering'),
    catalog: catalog.api,
    storeDirectory: storeOps.api,
    approvals,
    checkoutModules: { inventory: inventory.api, payments: payments.api, storeOps: storeOps.api },
    checkout: {
      retryWindowMs: config.CHECKOUT_RETRY_WINDOW_MS,
      requestWaitMs: config.CHECKOUT_REQUEST_WAIT_MS,
      recoveryIntervalMs: config.CHECKOUT_RECOVERY_INTERVAL_MS,
      ...(crashAt && {
        // Crash tests: die at this step boundary as a power cut would (ADR 0014).
        onStep: (step: string, phase: string) => {
          if (`${step}:${phase}` === crashAt) process.kill(process.pid, 'SIGKILL');
        },
      }),
    },
  });
  modules.push(ordering);

  const relay = createOutboxRelay({
    database,
    bus,
    logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    outboxes: modules.flatMap((m) => (m.outbox ? [{ module: m.name, table: m.outbox }] : [])),
  });
  relayRef.current = relay;
  for (const m of modules) for (const s of m.subscriptions ?? []) bus.subscribe(s);

  const app = await createHttpApp({
    logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    authenticator: identity.authenticator,
    openapi: {
      title: 'Stratum API',
      version: '1.0.0',
      description:
        'Multi-tenant point of sale. Errors are RFC 9457 problem documents with a stable `code`.',
    },
  });
  const lifecycle: Lifecycle = createLifecycle({
    logger,
    closeServer: () => app.close(),
    forceCloseServer: () => app.server.closeAllConnections(),
    drainers: [...modules.flatMap((m) => (m.stop ? [() => m.stop!()] : [])), () => relay.drain()],
    closers: [
      () => Promise.resolve(identity.keys.stop()),
      async () => {
        await sandbox?.close();
      },
      () => bus.close(),
      () => database.close(),
    ],
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  });
  registerHealth(app, {
    checks: { database: () => database.ping() },
    isDraining: () => lifecycle.draining,
  });
  for (const m of modules) await m.registerRoutes(app);
  await app.ready();

  return {
    app,
    database,
    location,
    relay,
    bus,
    lifecycle,
    identity,
    storeOps,
    catalog,
    inventory,
    payments,
    ordering,
    processorUrl,
    logger,
    cache,
    modules,
    /** Starts background work: the outbox relay and each module's workers. */
    start() {
      relay.start();
      for (const m of modules) m.start?.();
    },
  };
}

export type StratumServer = Awaited<ReturnType<typeof buildServer>>;
