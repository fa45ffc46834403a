import pg from 'pg';

/** The outcome of `checkoutInvariants`: the violations, and what was checked. */
export interface InvariantReport {
  violations: string[];
  completed: number;
  compensated: number;
  cardPayments: number;
  processorPayments: number;
}

export interface InvariantTargets {
  /** Owner (superuser) URL of the database. */
  ownerUrl: string;
  processor: { url: string; apiKey: string };
}

interface Tender {
  index: number;
  paymentId: string;
  kind: 'cash' | 'card';
  amount: number;
  tip: number;
}

interface CheckoutRow {
  id: string;
  tenant_id: string;
  order_id: string;
  register_id: string;
  status: string;
  step: string;
  plan: {
    reservationId: string;
    total: number;
    tenders: Tender[];
    /** Absent on whole checkouts planned before parts were paid alone. */
    kind?: 'whole' | 'part' | 'rest';
    partId?: string;
  };
  failure: { code: string; step: string } | null;
  receipt_number: number | null;
}

interface ProcessorPayment {
  id: string;
  status: string;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  reference: string | null;
}

const paidStatuses = ['paid', 'closed', 'partially-refunded', 'refunded'];
const n = (v: unknown) => Number(v);

async function processorGet(
  processor: InvariantTargets['processor'],
  path: string,
): Promise<ProcessorPayment[]> {
  const res = await fetch(`${processor.url}${path}`, {
    headers: { authorization: `Bearer ${processor.apiKey}` },
  });
  if (!res.ok) throw new Error(`processor GET ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: ProcessorPayment[] }).items;
}

/**
 * What must hold after any number of checkouts, crashes and faults, once every
 * saga has settled (ADR 0014): read straight from PostgreSQL as the owner
 * (superuser: RLS does not apply, so every tenant is seen) and from the card
 * processor's own records. Answers the violations found, each as a sentence;
 * an empty list means every invariant holds.
 */
export async function checkoutInvariants(targets: InvariantTargets): Promise<InvariantReport> {
  const client = new pg.Client({ connectionString: targets.ownerUrl });
  await client.connect();
  const rows = async <T>(text: string): Promise<T[]> => (await client.query(text)).rows as T[];
  try {
    const checkouts = await rows<CheckoutRow>(
      `select id, tenant_id, order_id, register_id, status, step, plan, failure, receipt_number
       from ordering.checkouts order by created_at`,
    );
    const orders = new Map(
      (
        await rows<{ id: string; status: string; state: Record<string, unknown> }>(
          'select id, status, state from ordering.orders',
        )
      ).map((o) => [o.id, o]),
    );
    const payments = await rows<{
      id: string;
      order_id: string;
      status: string;
      tender: string;
      amount: string;
      tip: string;
      captured: string;
      refunded: string;
    }>(
      'select id, order_id, status, tender, amount, tip, captured, refunded from payments.payments',
    );
    const paymentById = new Map(payments.map((p) => [p.id, p]));
    const receipts = new Map(
      (
        await rows<{ order_id: string; register_id: string; receipt_number: number }>(
          'select order_id, register_id, receipt_number from ordering.receipts',
        )
      ).map((r) => [r.order_id, r]),
    );
    const reservations = new Map(
      (
        await rows<{ id: string; status: string; sale_batch_id: string | null }>(
          'select id, status, sale_batch_id from inventory.reservations',
        )
      ).map((r) => [r.id, r]),
    );
    const holds = await rows<{ reservation_id: string; stock_item_id: string; quantity: string }>(
      'select reservation_id, stock_item_id, quantity from inventory.reservation_holds',
    );
    const sales = await rows<{
      reference_id: string;
      batch_id: string;
      stock_item_id: string;
      quantity: string;
    }>(
      `select reference_id, batch_id, stock_item_id, quantity from inventory.movements
       where kind = 'sale' and reference_type = 'reservation'`,
    );

    const violations: string[] = [];
    const fail = (message: string) => violations.push(message);
    const planned = new Map<string, { tender: Tender; checkout: CheckoutRow }>();
    // An order's payments may come from several checkouts: one per split-bill part.
    const plannedByOrder = new Map<string, Set<string>>();
    for (const c of checkouts) {
      const ids = plannedByOrder.get(c.order_id) ?? new Set<string>();
      for (const t of c.plan.tenders) ids.add(t.paymentId);
      plannedByOrder.set(c.order_id, ids);
    }

    for (const c of checkouts) {
      const label = `checkout ${c.id} (${c.status} at ${c.step})`;
      for (const t of c.plan.tenders) planned.set(t.paymentId, { tender: t, checkout: c });
      const order = orders.get(c.order_id);
      const reservation = reservations.get(c.plan.reservationId);
      const saleRows = sales.filter((m) => m.reference_id === c.plan.reservationId);
      const orderPayments = payments.filter((p) => p.order_id === c.order_id);

      if (c.status !== 'completed' && c.status !== 'compensated') {
        fail(`${label} is not terminal`);
        continue;
      }
      if (!order) {
        fail(`${label}: its order ${c.order_id} does not exist`);
        continue;
      }
      // A terminal checkout holds nothing: the order is free to change (or was paid, or voided).
      const holder = (order.state['checkout'] as { checkoutId: string } | null | undefined)
        ?.checkoutId;
      if (holder === c.id) fail(`${label}: it still holds its order`);
      const planIds = plannedByOrder.get(c.order_id)!;
      for (const p of orderPayments) {
        if (!planIds.has(p.id)) fail(`${label}: payment ${p.id} of its order is in no plan`);
      }
      const kind = c.plan.kind ?? 'whole';
      const paidParts = (order.state['paidParts'] ?? []) as {
        partId: string;
        payments: { paymentId: string; amount: number }[];
      }[];
      const asText = (list: { paymentId: string; amount: number }[]) =>
        list.map((p) => `${p.paymentId}:${p.amount}`).join();
      const expected = asText(c.plan.tenders);

      if (c.status === 'completed' && kind === 'part') {
        // A part paid on its own: its payments on the order, nothing sold or numbered for it.
        const part = paidParts.find((p) => p.partId === c.plan.partId);
        if (!part) fail(`${label}: part ${c.plan.partId} is not paid on its order`);
        else if (asText(part.payments) !== expected) {
          fail(`${label}: part payments ${asText(part.payments)} ≠ plan ${expected}`);
        }
        if (order.status === 'voided') fail(`${label}: its order was voided`);
        if (c.receipt_number !== null) fail(`${label}: a part was numbered ${c.receipt_number}`);
        if (reservation || saleRows.length > 0) fail(`${label}: a part moved stock`);
      }
      if (c.status === 'completed') {
        const recorded = asText(order.state['payments'] as { paymentId: string; amount: number }[]);
        const settles = kind !== 'part';
        if (settles && order.status !== 'paid' && order.status !== 'closed') {
          fail(`${label}: order is ${order.status}, not paid`);
        }
        const paidAmount = n(order.state['paidAmount']);
        if (kind === 'whole' && paidAmount !== c.plan.total) {
          fail(`${label}: order paid ${paidAmount}, plan ${c.plan.total}`);
        }
        // What settles the bill pays it last; a whole checkout alone.
        const own = kind === 'whole' ? recorded === expected : recorded.endsWith(expected);
        if (settles && !own) fail(`${label}: order payments ${recorded} ≠ plan ${expected}`);
        for (const t of c.plan.tenders) {
          const p = paymentById.get(t.paymentId);
          if (!p) {
            fail(`${label}: planned payment ${t.paymentId} was never taken`);
            continue;
          }
          const shape = `${p.status} ${p.tender} amount ${p.amount} tip ${p.tip} captured ${p.captured} refunded ${p.refunded}`;
          if (
            p.status !== 'captured' ||
            p.tender !== t.kind ||
            n(p.amount) !== t.amount ||
            n(p.tip) !== t.tip ||
            n(p.captured) !== t.amount + t.tip ||
            n(p.refunded) !== 0
          ) {
            fail(
              `${label}: payment ${t.paymentId} is ${shape}; planned ${t.kind} ${t.amount}+${t.tip}`,
            );
          }
        }
        if (!settles) continue;
        const receipt = receipts.get(c.order_id);
        if (!receipt || receipt.receipt_number !== c.receipt_number) {
          fail(`${label}: receipt ${receipt?.receipt_number} ≠ checkout's ${c.receipt_number}`);
        } else if (receipt.register_id !== c.register_id) {
          fail(`${label}: receipt printed on register ${receipt.register_id}`);
        }
        if (reservation?.status !== 'confirmed') {
          fail(`${label}: reservation is ${reservation?.status ?? 'missing'}, not confirmed`);
        }
        const batches = new Set(saleRows.map((m) => m.batch_id));
        if (batches.size !== 1 || !batches.has(reservation?.sale_batch_id ?? '')) {
          fail(`${label}: ${batches.size} sale batches for its reservation (want exactly its one)`);
        }
        const held = holds.filter((h) => h.reservation_id === c.plan.reservationId);
        const sold = (id: string) =>
          saleRows.filter((m) => m.stock_item_id === id).reduce((s, m) => s - n(m.quantity), 0);
        if (held.length === 0) fail(`${label}: its reservation holds nothing`);
        for (const h of held) {
          if (sold(h.stock_item_id) !== n(h.quantity)) {
            fail(
              `${label}: sold ${sold(h.stock_item_id)} of ${h.stock_item_id}, held ${h.quantity}`,
            );
          }
        }
        if (saleRows.length !== held.length) {
          fail(`${label}: ${saleRows.length} sale movements for ${held.length} holds`);
        }
      } else {
        // Undone, a checkout leaves the bill owed: still open, paid by a later checkout, or
        // voided by the staff; never by the undoing itself.
        const voided = order.state['voided'] as { reason?: string } | null | undefined;
        if (voided?.reason?.startsWith(`checkout ${c.id} undone`)) {
          fail(`${label}: the undoing voided its order`);
        }
        for (const t of c.plan.tenders) {
          const p = paymentById.get(t.paymentId);
          if (!p) continue;
          if (!['declined', 'voided', 'refunded'].includes(p.status)) {
            fail(`${label}: payment ${t.paymentId} was left ${p.status}`);
          }
          if (n(p.captured) !== n(p.refunded)) {
            fail(`${label}: payment ${t.paymentId} keeps ${n(p.captured) - n(p.refunded)}`);
          }
        }
        const settledLater = paidStatuses.includes(order.status);
        if (receipts.has(c.order_id) && !settledLater) {
          fail(`${label}: a receipt was printed for the undone order`);
        }
        if (reservation && reservation.status !== 'released') {
          fail(`${label}: reservation left ${reservation.status}`);
        }
        if (saleRows.length > 0) fail(`${label}: ${saleRows.length} sale movements`);
      }
    }

    // Money: what payments keeps is what the paid orders are worth (plus card tips).
    let kept = 0;
    let owed = 0;
    const keptByOrder = new Map<string, number>();
    for (const p of payments) {
      const net = n(p.captured) - n(p.refunded);
      kept += net;
      keptByOrder.set(p.order_id, (keptByOrder.get(p.order_id) ?? 0) + net);
      if (!planned.has(p.id)) fail(`payment ${p.id} belongs to no checkout`);
    }
    for (const [orderId, o] of orders) {
      const tips = payments
        .filter((p) => p.order_id === orderId && p.status === 'captured')
        .reduce((s, p) => s + n(p.tip), 0);
      // An open order is worth the split-bill parts paid so far (`paidAmount`, 0 if none).
      const open = o.status === 'open' || o.status === 'sent';
      const worth =
        paidStatuses.includes(o.status) || open
          ? n(o.state['paidAmount']) - n(o.state['refundedAmount'] ?? 0) + tips
          : 0;
      owed += worth;
      if ((keptByOrder.get(orderId) ?? 0) !== worth) {
        fail(
          `order ${orderId} (${o.status}) is worth ${worth}; payments keep ${keptByOrder.get(orderId) ?? 0}`,
        );
      }
    }
    if (kept !== owed) fail(`payments keep ${kept} in all; the paid orders are worth ${owed}`);

    // The processor's own records: one payment per card payment, none for cash, no strays.
    const atProcessor = await processorGet(targets.processor, '/v1/payments');
    const cards = [...planned.values()].filter((p) => p.tender.kind === 'card');
    for (const { tender, checkout } of planned.values()) {
      const found = await processorGet(
        targets.processor,
        `/v1/payments?reference=${encodeURIComponent(tender.paymentId)}`,
      );
      const label = `${tender.kind} payment ${tender.paymentId} of checkout ${checkout.id}`;
      const ours = paymentById.get(tender.paymentId);
      if (tender.kind === 'cash') {
        if (found.length > 0) fail(`${label} reached the processor ${found.length} times`);
      } else if (checkout.status === 'completed') {
        const [only] = found;
        if (found.length !== 1 || !only) {
          fail(`${label} is at the processor ${found.length} times, not once`);
        } else if (
          only.status !== 'captured' ||
          only.capturedAmount !== tender.amount + tender.tip ||
          only.refundedAmount !== 0
        ) {
          fail(
            `${label}: the processor shows ${only.status}, captured ${only.capturedAmount}, refunded ${only.refundedAmount}`,
          );
        }
      } else {
        if (found.length > 1) fail(`${label} is at the processor ${found.length} times`);
        for (const p of found) {
          if (p.status !== 'voided' && p.capturedAmount !== p.refundedAmount) {
            fail(`${label}: the processor keeps ${p.capturedAmount - p.refundedAmount}`);
          }
        }
        if (found.length === 1 && ours?.status === 'declined') {
          fail(`${label}: declined here, but the processor has it`);
        }
      }
    }
    for (const p of atProcessor) {
      const match = p.reference ? planned.get(p.reference) : undefined;
      if (match?.tender.kind !== 'card') {
        fail(`processor payment ${p.id} (reference ${p.reference}) is no card payment of ours`);
      }
    }

    // Stock: every level equals its ledger plus active holds plus open transfers.
    const mismatches = await rows<Record<string, string>>(`
      with expected as (
        select tenant_id, store_id, stock_item_id, sum(on_hand) as on_hand,
               sum(reserved) as reserved, sum(in_transit) as in_transit
        from (
          select tenant_id, store_id, stock_item_id, quantity as on_hand, 0 as reserved,
                 0 as in_transit
          from inventory.movements
          union all
          select h.tenant_id, h.store_id, h.stock_item_id, 0, h.quantity, 0
          from inventory.reservation_holds h
          join inventory.reservations r on r.id = h.reservation_id and r.status = 'active'
          union all
          select l.tenant_id, t.to_store_id, l.stock_item_id, 0, 0, l.quantity
          from inventory.transfer_lines l
          join inventory.transfers t on t.id = l.transfer_id and t.status = 'dispatched'
        ) sources
        group by tenant_id, store_id, stock_item_id
      )
      select coalesce(p.tenant_id, e.tenant_id) as tenant_id,
             coalesce(p.store_id, e.store_id) as store_id,
             coalesce(p.stock_item_id, e.stock_item_id) as stock_item_id,
             coalesce(p.on_hand, 0) as p_on_hand, coalesce(e.on_hand, 0) as e_on_hand,
             coalesce(p.reserved, 0) as p_reserved, coalesce(e.reserved, 0) as e_reserved,
             coalesce(p.in_transit, 0) as p_in_transit, coalesce(e.in_transit, 0) as e_in_transit
      from inventory.levels p
      full join expected e
        on e.tenant_id = p.tenant_id and e.store_id = p.store_id
       and e.stock_item_id = p.stock_item_id
      where coalesce(p.on_hand, 0) <> coalesce(e.on_hand, 0)
         or coalesce(p.reserved, 0) <> coalesce(e.reserved, 0)
         or coalesce(p.in_transit, 0) <> coalesce(e.in_transit, 0)`);
    for (const m of mismatches) fail(`stock level differs from its ledger: ${JSON.stringify(m)}`);

    // Receipt numbers: no duplicates and no gaps per register; each printed receipt is its order's.
    const sequences = await rows<{
      register_id: string;
      numbers: string;
      distinct_numbers: string;
      lowest: string;
      highest: string;
      refs: string;
      distinct_refs: string;
    }>(`select register_id, count(*) as numbers, count(distinct number) as distinct_numbers,
               min(number) as lowest, max(number) as highest,
               count(reference) as refs, count(distinct reference) as distinct_refs
        from store_ops.receipt_numbers group by tenant_id, register_id`);
    for (const s of sequences) {
      if (
        n(s.numbers) !== n(s.distinct_numbers) ||
        n(s.lowest) !== 1 ||
        n(s.highest) !== n(s.numbers) ||
        n(s.refs) !== n(s.distinct_refs)
      ) {
        fail(`receipt numbers of register ${s.register_id} are not gapless: ${JSON.stringify(s)}`);
      }
    }
    const strays = await rows<{ order_id: string; receipt_number: number }>(
      `select r.order_id, r.receipt_number from ordering.receipts r
       left join store_ops.receipt_numbers n
         on n.tenant_id = r.tenant_id and n.register_id = r.register_id
        and n.number = r.receipt_number and n.reference = r.order_id::text
       where n.number is null`,
    );
    for (const s of strays) {
      fail(`receipt ${s.receipt_number} of order ${s.order_id} was not allocated to it`);
    }

    return {
      violations,
      completed: checkouts.filter((c) => c.status === 'completed').length,
      compensated: checkouts.filter((c) => c.status === 'compensated').length,
      cardPayments: cards.length,
      processorPayments: atProcessor.length,
    };
  } finally {
    await client.end();
  }
}
