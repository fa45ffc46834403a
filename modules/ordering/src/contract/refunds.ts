import { z } from 'zod';

/** Refunding items of a paid order: which units, why, and the manager who approves. */
export const refundOrderInput = z
  .object({
    /** Units of lines to refund; their share of each line's priced total is given back. */
    lines: z
      .array(z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int().positive() }))
      .min(1)
      .max(100),
    reason: z.string().trim().min(1).max(500),
    /** A manager's or owner's access token (PIN login at the till): every refund needs one. */
    approval: z.object({ token: z.string().min(1).max(4096) }),
    /** The payment to refund; default: a card payment that can take it, else cash. */
    paymentId: z.uuid().optional(),
    /**
     * The register giving the money back, whose cash drawer pays out a cash
     * refund; default: the register the order was rung up on.
     */
    registerId: z.uuid().optional(),
  })
  .strict();
export type RefundOrderInput = z.input<typeof refundOrderInput>;
