import type { Actor } from './context.ts';
import type { Database } from './db/database.ts';
import type { OutboxTable } from './db/tables.ts';
import type { MigrationSet } from './db/types.ts';
import type { StratumApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import type { EventBus, Subscription } from './messaging/bus.ts';
import type { RelayLink } from './messaging/outbox.ts';

/**
 * Who is calling a module's API: the tenant and the acting user (or service).
 * Every command and query of a module contract takes one.
 */
export interface CallContext {
  readonly tenantId: string;
  readonly actor: Actor;
}

/** What the composition root knows about a module before any database exists. */
export interface ModuleManifest {
  readonly name: string;
  readonly migrations: MigrationSet;
  /** The module's permissions and the built-in roles granted each of them. */
  readonly permissions: Readonly<Record<string, readonly string[]>>;
}

/** The infrastructure every module is built with. */
export interface ModuleDeps {
  database: Database;
  bus: EventBus;
  logger: Logger;
  /** How the module's outbox tells the relay that a transaction committed new events. */
  wakeRelay: RelayLink;
}

/** A running module: its HTTP routes, its event subscriptions, its outbox. */
export interface ModuleInstance {
  readonly name: string;
  readonly outbox?: OutboxTable;
  readonly subscriptions?: readonly Subscription[];
  registerRoutes(app: StratumApp): Promise<void> | void;
  /** Starts background work (e.g. an expiry sweeper) once the server listens. */
  start?(): void;
  /** Stops background work during shutdown. */
  stop?(): Promise<void>;
}
