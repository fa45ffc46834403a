import { z } from 'zod';
import { pageQuery } from '@stratum/platform';
import { sortByNameOrCreated } from './stores.ts';

const name = z.string().trim().min(1).max(80);

/** A till: where a cash drawer is opened and receipts are numbered. */
export const registerView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  /** The identity device (terminal) linked to this register, if any. */
  deviceId: z.uuid().nullable(),
  status: z.enum(['active', 'deactivated']),
  createdAt: z.iso.datetime(),
});
export type RegisterView = z.infer<typeof registerView>;

export const createRegisterInput = z.object({
  storeId: z.uuid(),
  name,
  deviceId: z.uuid().nullable().default(null),
});
export type CreateRegisterInput = z.infer<typeof createRegisterInput>;

export const updateRegisterInput = z
  .object({ name: name.optional(), deviceId: z.uuid().nullable().optional() })
  .strict()
  .refine((u) => u.name !== undefined || u.deviceId !== undefined, {
    message: 'nothing to change',
  });
export type UpdateRegisterInput = z.infer<typeof updateRegisterInput>;

export const listRegistersQuery = z.object({
  ...pageQuery,
  storeId: z.uuid().optional(),
  status: z.enum(['active', 'deactivated']).optional(),
  sort: sortByNameOrCreated,
});
export type ListRegistersQuery = z.infer<typeof listRegistersQuery>;

/**
 * A named area of a store's floor (terrace, bar, main room). A removed section
 * is `archived`: it is no longer listed and takes no tables, but the tables it
 * held still name it.
 */
export const sectionView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  status: z.enum(['active', 'archived']),
  createdAt: z.iso.datetime(),
});
export type SectionView = z.infer<typeof sectionView>;

export const createSectionInput = z.object({
  storeId: z.uuid(),
  name,
  position: z.number().int().min(0).max(10_000).default(0),
});
export type CreateSectionInput = z.infer<typeof createSectionInput>;

export const updateSectionInput = z
  .object({ name: name.optional(), position: z.number().int().min(0).max(10_000).optional() })
  .strict()
  .refine((u) => u.name !== undefined || u.position !== undefined, {
    message: 'nothing to change',
  });
export type UpdateSectionInput = z.infer<typeof updateSectionInput>;

/**
 * Sections always come in display order (position, then name), a page at a
 * time: the active ones (the floor plan), or with `status=archived` the removed ones.
 */
export const listSectionsQuery = z.object({
  ...pageQuery,
  status: z.enum(['active', 'archived']).default('active'),
});
export type ListSectionsQuery = z.infer<typeof listSectionsQuery>;

/**
 * A table guests sit at. Tables are deactivated, never deleted: orders will
 * refer to them by id.
 */
export const tableView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  sectionId: z.uuid(),
  name: z.string(),
  seats: z.number().int(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type TableView = z.infer<typeof tableView>;

const seats = z.number().int().min(1).max(100);

export const createTableInput = z.object({ sectionId: z.uuid(), name, seats });
export type CreateTableInput = z.infer<typeof createTableInput>;

export const updateTableInput = z
  .object({
    name: name.optional(),
    seats: seats.optional(),
    sectionId: z.uuid().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: 'nothing to change' });
export type UpdateTableInput = z.infer<typeof updateTableInput>;

export const listTablesQuery = z.object({
  ...pageQuery,
  storeId: z.uuid(),
  sectionId: z.uuid().optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  sort: sortByNameOrCreated,
});
export type ListTablesQuery = z.infer<typeof listTablesQuery>;
