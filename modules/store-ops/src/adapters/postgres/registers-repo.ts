import { and, eq, inArray, sql } from 'drizzle-orm';
import { compiled, type Tx } from '@stratum/platform';
import { raise, type RegisterView } from '../../contract.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { devices, receiptSequences, registers } from './schema.ts';
import { isUniqueViolation } from '@stratum/platform';
import { iso, keyset } from './paging.ts';

type RegisterRow = typeof registers.$inferSelect;

const toRegisterView = (r: RegisterRow): RegisterView => ({
  id: r.id,
  storeId: r.storeId,
  name: r.name,
  deviceId: r.deviceId,
  status: r.status,
  createdAt: iso(r.createdAt),
});

/** Turns the register unique indexes into the errors the API promises. */
async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'registers_active_name_key')) {
      raise('register-name-taken', 'The store already has an active register of that name.');
    }
    if (isUniqueViolation(err, 'registers_device_key')) {
      raise('device-already-linked', 'That device is linked to another active register.');
    }
    throw err;
  }
}

type RegistersPart = Pick<
  StoreOpsRepository,
  | 'insertRegister'
  | 'findRegister'
  | 'listRegisters'
  | 'updateRegister'
  | 'findDevice'
  | 'recordDevice'
>;

/** A register by id, the read of every sale's receipt and drawer posting: compiled once (ADR 0016). */
const findRegister = compiled<{ id: string }, RegisterRow[]>((db, p) =>
  db.select().from(registers).where(eq(registers.id, p.id)),
);

export function registersRepository(tx: Tx, tenantId: string): RegistersPart {
  return {
    insertRegister: (register) =>
      guarded(async () => {
        const [row] = await tx
          .insert(registers)
          .values({ ...register, tenantId })
          .returning();
        await tx.insert(receiptSequences).values({ tenantId, registerId: register.id });
        return toRegisterView(row!);
      }),
    async findRegister(id, options = {}) {
      const [row] = await (options.lock
        ? tx.select().from(registers).where(eq(registers.id, id)).for(options.lock)
        : findRegister(tx, { id }));
      return row && toRegisterView(row);
    },
    async listRegisters(query, stores) {
      const k = keyset(
        'registers',
        query.sort,
        { createdAt: [registers.id], name: [registers.name, registers.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(registers)
        .where(
          and(
            eq(registers.tenantId, tenantId),
            query.storeId ? eq(registers.storeId, query.storeId) : undefined,
            stores ? inArray(registers.storeId, [...stores]) : undefined,
            query.status ? eq(registers.status, query.status) : undefined,
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toRegisterView, (r) =>
        query.sort.endsWith('name') ? [r.name, r.id] : [r.id],
      );
    },
    updateRegister: (id, patch) =>
      guarded(async () => {
        const [row] = await tx
          .update(registers)
          .set({ ...patch, updatedAt: sql`now()` })
          .where(eq(registers.id, id))
          .returning();
        if (!row) raise('register-not-found', 'No such register.');
        return toRegisterView(row);
      }),
    async findDevice(id) {
      const [row] = await tx
        .select({ id: devices.id, storeId: devices.storeId, status: devices.status })
        .from(devices)
        .where(eq(devices.id, id));
      return row;
    },
    async recordDevice(device) {
      await tx
        .insert(devices)
        .values({ ...device, tenantId })
        .onConflictDoUpdate({
          target: devices.id,
          set: { status: device.status, updatedAt: sql`now()` },
          // Once revoked, always revoked.
          setWhere: sql`${devices.status} = 'active'`,
        });
    },
  };
}
