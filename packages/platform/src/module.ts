import type { Database } from './db/database.ts';
import type { OutboxTable } from './db/tables.ts';
import type { MigrationSet } from './db/types.ts';
import type { StratumApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import type { EventBus, Subscription } from './messaging/bus.ts';

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
  /** Tells the outbox relay that a transaction committed new events. */
  wakeRelay: () => void;
}

/** A running module: its HTTP routes, its event subscriptions, its outbox. */
export interface ModuleInstance {
  readonly name: string;
  readonly outbox?: OutboxTable;
  readonly subscriptions?: readonly Subscription[];
  registerRoutes(app: StratumApp): Promise<void> | void;
}
