import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantIsolationPolicy } from '@stratum/platform';
import { ordering, ts } from './pg-schema.ts';

/**
 * One row per checkout saga (ADR 0014): where it is, what it was asked to do,
 * and the lease of the worker driving it. A saga is terminal once `status` is
 * completed or compensated; until then the recovery worker picks it up
 * whenever its lease has run out.
 */
export const checkouts = ordering.table(
  'checkouts',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    storeId: uuid('store_id').notNull(),
    registerId: uuid('register_id').notNull(),
    /** The client's Idempotency-Key: a retried request finds its checkout by it. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', {
      enum: ['running', 'compensating', 'completed', 'compensated'],
    }).notNull(),
    /** The step to run next (forward) or to undo next (compensating). */
    step: text('step').notNull(),
    /** The request: tenders with their payment ids, amounts and parts; the actor. */
    plan: jsonb('plan').$type<Record<string, unknown>>().notNull(),
    /** Why it is compensating: a stable code and a message. */
    failure: jsonb('failure').$type<{ code: string; message: string; step: string } | null>(),
    /** The register's receipt number, once the order is confirmed. */
    receiptNumber: integer('receipt_number'),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: ts('lease_until'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('checkouts_idempotency_key_idx').on(t.tenantId, t.idempotencyKey),
    // One live checkout per order: a second request waits for or joins the first.
    uniqueIndex('checkouts_live_order_idx')
      .on(t.tenantId, t.orderId)
      .where(sql`${t.status} in ('running', 'compensating')`),
    index('checkouts_due_idx')
      .on(t.leaseUntil)
      .where(sql`${t.status} in ('running', 'compensating')`),
    check(
      'checkouts_finished_check',
      sql`(${t.status} in ('completed', 'compensated')) = (${t.finishedAt} is not null)`,
    ),
    tenantIsolationPolicy(),
  ],
);

/**
 * The step log: a step's result is written in the same transaction as its
 * local effect (or right after its remote call), so re-running a step after a
 * crash finds it done and reuses the result instead of doing it twice.
 */
export const checkoutSteps = ordering.table(
  'checkout_steps',
  {
    tenantId: uuid('tenant_id').notNull(),
    checkoutId: uuid('checkout_id').notNull(),
    step: text('step').notNull(),
    direction: text('direction', { enum: ['forward', 'compensate'] }).notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.checkoutId, t.step, t.direction] }), tenantIsolationPolicy()],
);
