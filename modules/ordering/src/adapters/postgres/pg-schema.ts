import { pgSchema, timestamp } from 'drizzle-orm/pg-core';

/** Ordering's own PostgreSQL schema: no other module reads or writes it. */
export const ordering = pgSchema('ordering');

export const ts = (name: string) => timestamp(name, { withTimezone: true });
