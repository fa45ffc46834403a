import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import {
  createHttpApp,
  createLifecycle,
  createLogger,
  createOutboxRelay,
  identityServiceTokens,
  jwtAuthenticator,
  openDatabase,
  registerHealth,
  remoteClient,
  serveRemoteContract,
  type Authenticator,
  type CallPolicy,
  type Database,
  type Lifecycle,
  type Logger,
  type ModuleDeps,
  type ModuleInstance,
  type ModuleManifest,
  type OutboxRelay,
  type RelayHandOff,
  type RemoteContract,
  type ServiceTokens,
  type Telemetry,
  tracedSubscription,
} from '@stratum/platform';
import { createIdentityModule, identityManifest, type IdentityModule } from '@stratum/identity';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '@stratum/store-ops';
import { catalogManifest, createCatalogModule, type CatalogModule } from '@stratum/catalog';
import { createInventoryModule, inventoryManifest, type InventoryModule } from '@stratum/inventory';
import {
  createPaymentsModule,
  httpCardProcessor,
  paymentsManifest,
  type PaymentsModule,
} from '@stratum/payments';
import {
  authenticatorApprovals,
  createOrderingModule,
  orderingManifest,
  type OrderingModule,
} from '@stratum/ordering';
import {
  databaseUrlOf,
  moduleDependencies,
  remoteUrlOf,
  serviceNameOf,
  type ModuleName,
  type ServerConfig,
} from './config.ts';
import { storeOpsRemote } from '@stratum/store-ops/contract';
import { catalogRemote } from '@stratum/catalog/contract';
import { inventoryRemote } from '@stratum/inventory/contract';
import { paymentsRemote } from '@stratum/payments/contract';
import { inProcessBffSources, registerBffRoutes } from '@stratum/bff';
import { embeddedCardProcessor } from './card-processor.ts';
import { createEngines } from './engines.ts';

/** Every module this server can host, in mount order. */
export const manifests: readonly ModuleManifest[] = [
  identityManifest,
  storeOpsManifest,
  catalogManifest,
  inventoryManifest,
  paymentsManifest,
  orderingManifest,
];

const manifestOf = (name: ModuleName) => manifests.find((m) => m.name === name)!;

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
  /** The process's telemetry (see main.ts): its metrics are served at /metrics, and it is shut down last. */
  telemetry?: Telemetry;
}

/** One database and the relay that drains the outboxes of the modules stored in it. */
interface DatabaseGroup {
  database: Database;
  location: string;
  modules: ModuleName[];
  relay?: OutboxRelay;
}

/**
 * Opens the hosted modules' databases, applying each one's migrations there:
 * modules with a `DATABASE_URL_<MODULE>` get their own, the rest share
 * `DATABASE_URL` (or one embedded PGlite).
 */
async function openDatabases(
  config: ServerConfig,
  hosted: readonly ModuleName[],
  logger: Logger,
): Promise<DatabaseGroup[]> {
  const byUrl = new Map<string, ModuleName[]>();
  for (const m of hosted) {
    const url = databaseUrlOf(config, m) ?? config.DATABASE_URL;
    const key = url ?? '';
    byUrl.set(key, [...(byUrl.get(key) ?? []), m]);
  }
  const dataDir =
    config.STRATUM_DATA_DIR === ':memory:' ? ':memory:' : join(config.STRATUM_DATA_DIR, 'pglite');
  const groups: DatabaseGroup[] = [];
  for (const [url, modules] of byUrl) {
    const { database, location } = await openDatabase(
      {
        ...(url && { url }),
        // The app-role URL belongs to the shared database only.
        ...(url === config.DATABASE_URL &&
          config.DATABASE_APP_URL && { appUrl: config.DATABASE_APP_URL }),
        dataDir,
        poolSize: config.DATABASE_POOL_SIZE,
        preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
        logger,
      },
      modules.map((m) => manifestOf(m).migrations),
    );
    groups.push({ database, location, modules });
  }
  return groups;
}

/**
 * How `module`'s outbox reaches the relay of its database, which is built
 * after the modules: what commits while the relay runs is handed to it.
 */
function relayLinkOf(group: DatabaseGroup, module: string): RelayHandOff {
  let handOff: RelayHandOff | undefined;
  const relay = () => (group.relay ? (handOff ??= group.relay.handOff(module)) : undefined);
  return {
    lease: () => relay()?.lease(),
    handOver: (messages) => relay()?.handOver(messages),
    wake: () => group.relay?.wake(module),
  };
}

/** Fails loudly when a test or a tool asks for a module this process does not host. */
function hostedOnly<T>(module: T | undefined, name: string): T {
  if (!module) throw new Error(`This process does not host the ${name} module`);
  return module;
}

/**
 * The composition root: hosts the modules named in STRATUM_MODULES (all by
 * default) on one HTTP app with health, docs and shutdown, and reaches every
 * other module through a remote client of its contract. Module code is the
 * same in every shape: a module takes the others' APIs, in-process or remote.
 */
export async function buildServer(config: ServerConfig, options: BuildOptions = {}) {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const hostedNames = config.STRATUM_MODULES;
  const hosts = (name: ModuleName) => hostedNames.includes(name);
  const serviceName = serviceNameOf(config);

  const groups = await openDatabases(config, hostedNames, logger);
  const groupOf = (module: string) => groups.find((g) => g.modules.includes(module as ModuleName))!;
  const engines = await createEngines(config, logger);
  const { bus, cache } = engines;
  const depsOf = (module: ModuleName): ModuleDeps => {
    const group = groupOf(module);
    return {
      database: group.database,
      bus,
      logger: logger.child({ module }),
      wakeRelay: relayLinkOf(group, module),
    };
  };

  // Identity first: it verifies every token and issues service tokens.
  const permissions = permissionCatalog(manifests);
  const identity: IdentityModule | undefined = hosts('identity')
    ? await createIdentityModule({
        ...depsOf('identity'),
        limiter: engines.limiter,
        revocations: engines.revocations,
        permissions,
        settings: {
          issuer: config.TOKEN_ISSUER,
          audience: config.TOKEN_AUDIENCE,
          accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
          sessionTtlSeconds: config.SESSION_TTL_SECONDS,
          pinSessionTtlSeconds: config.PIN_SESSION_TTL_SECONDS,
          ...(config.STRATUM_SERVICE_SECRET && { serviceSecret: config.STRATUM_SERVICE_SECRET }),
          limits: {
            signupPerIp: config.RATE_LIMIT_SIGNUP_IP,
            loginPerIp: config.RATE_LIMIT_LOGIN_IP,
            loginPerAccount: config.RATE_LIMIT_LOGIN_ACCOUNT,
            pinPerIp: config.RATE_LIMIT_PIN_IP,
            pinPerAccount: config.RATE_LIMIT_PIN_ACCOUNT,
          },
        },
      })
    : undefined;
  const identityUrl = remoteUrlOf(config, 'identity');
  const authenticator: Authenticator =
    identity?.authenticator ??
    jwtAuthenticator({
      keys: createRemoteJWKSet(new URL('/.well-known/jwks.json', identityUrl)),
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      revocations: engines.revocations,
    });
  const approvals = authenticatorApprovals(authenticator);

  // Remote clients of the modules hosted elsewhere, one call policy each.
  let tokens: ServiceTokens | undefined;
  const serviceTokens = () =>
    (tokens ??=
      identity?.serviceTokens(serviceName) ??
      identityServiceTokens({
        identityUrl: identityUrl!,
        service: serviceName,
        secret: config.STRATUM_SERVICE_SECRET!,
      }));
  const remotePolicies: CallPolicy[] = [];
  const remote = <Api, K extends keyof Api & string>(contract: RemoteContract<Api, K>) => {
    const client = remoteClient(contract, {
      baseUrl: remoteUrlOf(config, contract.module as ModuleName)!,
      tokens: serviceTokens(),
      policy: {
        attemptTimeoutMs: config.REMOTE_CALL_TIMEOUT_MS,
        deadlineMs: config.REMOTE_CALL_DEADLINE_MS,
      },
    });
    remotePolicies.push(client.policy);
    return client.api;
  };

  const modules: ModuleInstance[] = identity ? [identity] : [];
  const storeOps: StoreOpsModule | undefined = hosts('store-ops')
    ? createStoreOpsModule({ ...depsOf('store-ops'), cache })
    : undefined;
  if (storeOps) modules.push(storeOps);
  const needs = (name: ModuleName) =>
    hostedNames.some(
      (h) => h !== name && (moduleDependencies[h] as readonly string[]).includes(name),
    );
  const storeOpsApi = storeOps?.api ?? (needs('store-ops') ? remote(storeOpsRemote) : undefined);

  const catalog: CatalogModule | undefined = hosts('catalog')
    ? createCatalogModule({ ...depsOf('catalog'), cache, storeDirectory: storeOpsApi! })
    : undefined;
  if (catalog) modules.push(catalog);
  const inventory: InventoryModule | undefined = hosts('inventory')
    ? createInventoryModule({ ...depsOf('inventory'), storeDirectory: storeOpsApi! })
    : undefined;
  if (inventory) modules.push(inventory);

  // The card processor: the configured one, or a sandbox inside this process.
  const sandbox =
    hosts('payments') && !config.PROCESSOR_URL ? await embeddedCardProcessor(config) : undefined;
  const processorUrl = config.PROCESSOR_URL ?? sandbox?.url;
  const payments: PaymentsModule | undefined = hosts('payments')
    ? createPaymentsModule({
        ...depsOf('payments'),
        processor: httpCardProcessor({
          baseUrl: processorUrl!,
          apiKey: config.PROCESSOR_API_KEY,
          policy: { deadlineMs: config.PROCESSOR_DEADLINE_MS },
        }),
        approvals,
        storeOps: storeOpsApi!,
        options: {
          defaultRefundLimit: config.REFUND_LIMIT_DEFAULT,
          idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
        },
      })
    : undefined;
  if (payments) modules.push(payments);

  const crashAt = config.STRATUM_CRASH_AT;
  const ordering: OrderingModule | undefined = hosts('ordering')
    ? createOrderingModule({
        ...depsOf('ordering'),
        catalog: catalog?.api ?? remote(catalogRemote),
        storeDirectory: storeOpsApi!,
        approvals,
        checkoutModules: {
          inventory: inventory?.api ?? remote(inventoryRemote),
          payments: payments?.api ?? remote(paymentsRemote),
          storeOps: storeOpsApi!,
        },
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
      })
    : undefined;
  if (ordering) modules.push(ordering);

  // One relay per database, draining the outboxes of the modules stored there.
  for (const group of groups) {
    group.relay = createOutboxRelay({
      database: group.database,
      bus,
      logger,
      pollIntervalMs: config.OUTBOX_POLL_MS,
      outboxes: modules.flatMap((m) =>
        m.outbox && group.modules.includes(m.name as ModuleName)
          ? [{ module: m.name, table: m.outbox }]
          : [],
      ),
    });
  }
  const relays = groups.map((g) => g.relay!);
  const relay = {
    wake: (module?: string) =>
      module ? groupOf(module).relay?.wake(module) : relays.forEach((r) => r.wake()),
    runOnce: async () =>
      (await Promise.all(relays.map((r) => r.runOnce()))).reduce((a, b) => a + b, 0),
    drain: async (deadlineMs?: number) => {
      await Promise.all(relays.map((r) => r.drain(deadlineMs)));
    },
    start: () => relays.forEach((r) => r.start()),
    get running() {
      return relays.some((r) => r.running);
    },
  };
  for (const m of modules) {
    for (const s of m.subscriptions ?? []) bus.subscribe(tracedSubscription(s));
  }

  const app = await createHttpApp({
    logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    authenticator,
    ...(options.telemetry && { metrics: options.telemetry }),
    openapi: {
      title: 'Stratum API',
      version: '1.0.0',
      description:
        'Multi-tenant point of sale. Errors are RFC 9457 problem documents with a stable `code`.',
    },
  });
  const database = groups[0]!.database;
  const lifecycle: Lifecycle = createLifecycle({
    logger,
    closeServer: () => app.close(),
    forceCloseServer: () => app.server.closeAllConnections(),
    drainers: [...modules.flatMap((m) => (m.stop ? [() => m.stop!()] : [])), () => relay.drain()],
    closers: [
      () => Promise.resolve(identity?.keys.stop()),
      async () => {
        await sandbox?.close();
      },
      () => bus.close(),
      () => engines.close(),
      async () => {
        await Promise.all(groups.map((g) => g.database.close()));
      },
      async () => {
        await options.telemetry?.shutdown();
      },
    ],
    deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  });
  registerHealth(app, {
    // Only the databases: the API keeps serving without Redis or NATS (ADR 0017, 0018).
    checks: Object.fromEntries(
      groups.map((g, i) => [
        i === 0 ? 'database' : `database-${g.modules.join('-')}`,
        () => g.database.ping(),
      ]),
    ),
    isDraining: () => lifecycle.draining,
  });
  for (const m of modules) await m.registerRoutes(app);
  // The BFF routes, in-process where their modules are; in the services shape the gateway serves them.
  if (storeOps && catalog && ordering && inventory) {
    registerBffRoutes(
      app,
      inProcessBffSources({
        storeOps: storeOps.api,
        catalog: catalog.api,
        ordering: ordering.api,
        inventory: inventory.api,
      }),
    );
  }
  // Module endpoints for the modules hosted here, for processes hosting the others.
  if (storeOps) serveRemoteContract(app, storeOpsRemote, storeOps.api);
  if (catalog) serveRemoteContract(app, catalogRemote, catalog.api);
  if (inventory) serveRemoteContract(app, inventoryRemote, inventory.api);
  if (payments) serveRemoteContract(app, paymentsRemote, payments.api);
  await app.ready();

  return {
    app,
    database,
    location: groups.map((g) => g.location).join(', '),
    relay,
    bus,
    lifecycle,
    serviceName,
    hosted: hostedNames,
    get identity() {
      return hostedOnly(identity, 'identity');
    },
    get storeOps() {
      return hostedOnly(storeOps, 'store-ops');
    },
    get catalog() {
      return hostedOnly(catalog, 'catalog');
    },
    get inventory() {
      return hostedOnly(inventory, 'inventory');
    },
    get payments() {
      return hostedOnly(payments, 'payments');
    },
    get ordering() {
      return hostedOnly(ordering, 'ordering');
    },
    /** The card processor payments calls (only where payments is hosted). */
    get processorUrl() {
      return hostedOnly(processorUrl, 'payments');
    },
    logger,
    cache,
    modules,
    remotePolicies,
    /** Starts background work: the outbox relays, the bus's consumers and each module's workers. */
    start(): Promise<void> {
      const rest = () => {
        relay.start();
        for (const m of modules) m.start?.();
      };
      const consuming = engines.start();
      if (!consuming) {
        rest();
        return Promise.resolve();
      }
      return consuming.then(rest);
    },
  };
}

export type StratumServer = Awaited<ReturnType<typeof buildServer>>;
