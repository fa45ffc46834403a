import { formatBps, formatMinor } from './currency.ts';

export interface ReceiptLine {
  readonly quantity: number;
  readonly name: string;
  readonly variantName: string | null;
  /** One unit with its modifiers. */
  readonly unitPrice: number;
  /** Per unit, as chosen: printed beside the option, not added again. */
  readonly modifiers: readonly { readonly name: string; readonly priceDelta: number }[];
  /** The item discount, printed as a negative amount under the line. */
  readonly discount: { readonly label: string; readonly amount: number } | null;
  /** `quantity × unitPrice`, before the item discount. */
  readonly amount: number;
}

export interface ReceiptTax {
  readonly name: string;
  readonly bps: number;
  /** Inclusive tax is already inside the prices: printed "incl.", for information. */
  readonly inclusive: boolean;
  readonly amount: number;
}

/** A receipt as data; `renderReceiptText` prints it, other renderers may follow. */
export interface Receipt {
  readonly kind: 'sale' | 'refund' | 'void';
  readonly currency: string;
  readonly store: {
    readonly name: string;
    readonly address: readonly string[];
    readonly taxId?: string;
  };
  readonly register: string;
  /** Gapless per register (ADR 0007). */
  readonly receiptNumber: number;
  readonly orderNumber: string;
  /** "Table 4", "Delivery", … */
  readonly orderLabel?: string;
  readonly cashier: string;
  /** ISO 8601 in the store's local time with its offset; printed as written, to the minute. */
  readonly openedAt: string;
  readonly printedAt: string;
  readonly lines: readonly ReceiptLine[];
  /** The lines after their item discounts. */
  readonly subtotal: number;
  /** Order discounts, printed negative. */
  readonly discounts: readonly { readonly label: string; readonly amount: number }[];
  readonly serviceCharge: { readonly bps: number; readonly amount: number } | null;
  readonly taxes: readonly ReceiptTax[];
  readonly tip: number;
  readonly total: number;
  readonly tenders: readonly { readonly label: string; readonly amount: number }[];
  readonly change: number;
  readonly footer?: readonly string[];
}

export const RECEIPT_WIDTH = 80;
const W = RECEIPT_WIDTH;

/**
 * How many printer columns a piece of text takes. A CJK character or an emoji
 * takes two, a combining accent none: the caller measures (the domain imports
 * no such tables). By default, one column per code point.
 */
export type TextWidth = (text: string) => number;
const codePoints: TextWidth = (text) => Array.from(text).length;

/** Control characters and newlines in a name would break the layout: they become spaces. */
const clean = (text: string) => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** What a reader sees as one character (a letter and its accents, an emoji with its modifiers). */
const graphemes = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);

/**
 * Greedy word wrap to `lineWidth` columns as `measure` counts them; a word
 * longer than a line is cut between characters, never inside one. Never
 * returns an empty list.
 */
export function wrap(
  text: string,
  lineWidth: number,
  indent = '',
  measure: TextWidth = codePoints,
): string[] {
  const room = Math.max(1, lineWidth - measure(indent));
  const lines: string[] = [];
  let current = '';
  for (const word of clean(text).split(/\s+/).filter(Boolean)) {
    const gap = current ? 1 : 0;
    if (measure(current) + gap + measure(word) <= room) {
      current += (gap ? ' ' : '') + word;
      continue;
    }
    if (current) lines.push(current);
    current = '';
    for (const ch of graphemes(word)) {
      if (current && measure(current) + measure(ch) > room) {
        lines.push(current);
        current = '';
      }
      current += ch;
    }
  }
  if (current || lines.length === 0) lines.push(current);
  return lines.map((l) => `${indent}${l}`.trimEnd());
}

/** The receipt's rows, laid out in columns as `measure` counts them. */
function layout(measure: TextWidth) {
  const pad = (n: number) => ' '.repeat(Math.max(0, n));
  const wrapped = (text: string, lineWidth: number, indent = '') =>
    wrap(text, lineWidth, indent, measure);
  return {
    wrap: wrapped,
    center: (text: string) =>
      wrapped(text, W).map((l) => pad(Math.floor((W - measure(l)) / 2)) + l),
    /** Label on the left, wrapped; the amount right-aligned to column 80 on the label's first row. */
    row: (label: string, amount: string, indent = ''): string[] => {
      if (measure(amount) > W - 11) return [...wrapped(label, W, indent), ...wrapped(amount, W)];
      const [first = '', ...rest] = wrapped(label, W - measure(amount) - 1, indent);
      return [first + pad(W - measure(first) - measure(amount)) + amount, ...rest];
    },
    /** Two facts on one row, left and right; on two rows when they do not fit together. */
    pair: (left: string, right: string): string[] => {
      const l = clean(left).trim();
      const r = clean(right).trim();
      if (measure(l) + 1 + measure(r) <= W) return [l + pad(W - measure(l) - measure(r)) + r];
      return [...wrapped(l, W), ...wrapped(r, W).map((x) => pad(W - measure(x)) + x)];
    },
  };
}

/** `2026-11-22T12:05:00+01:00` → `2026-11-22 12:05`; anything else is printed as given. */
const stamp = (iso: string) => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
};

const titles = { sale: null, refund: 'REFUND', void: 'VOID' } as const;

/**
 * Prints the receipt as plain text, no line wider than 80 columns as
 * `options.width` counts them: long names wrap, amounts are right-aligned to
 * the last column. `options.format` prints an amount; by default the
 * currency's exponent with integer arithmetic.
 */
export function renderReceiptText(
  receipt: Receipt,
  options: { format?: (amount: number) => string; width?: TextWidth } = {},
): string {
  const format = options.format ?? ((amount: number) => formatMinor(amount, receipt.currency));
  const { wrap, center, row, pair } = layout(options.width ?? codePoints);
  const rule = '-'.repeat(W);
  const out: string[] = [
    ...center(receipt.store.name),
    ...receipt.store.address.flatMap(center),
    ...(receipt.store.taxId ? center(`Tax ID ${receipt.store.taxId}`) : []),
    '',
  ];
  const title = titles[receipt.kind];
  if (title) out.push(...center(title), '');
  out.push(
    ...pair(`Receipt ${receipt.receiptNumber}`, `Register ${receipt.register}`),
    ...pair(`Order ${receipt.orderNumber}`, receipt.orderLabel ?? ''),
    ...pair(`Cashier ${receipt.cashier}`, ''),
    ...pair(`Opened ${stamp(receipt.openedAt)}`, `Printed ${stamp(receipt.printedAt)}`),
    rule,
  );
  for (const line of receipt.lines) {
    const name = line.variantName ? `${line.name} (${line.variantName})` : line.name;
    out.push(...row(name, format(line.amount)));
    out.push(...wrap(`${line.quantity} x ${format(line.unitPrice)}`, W, '  '));
    for (const m of line.modifiers) {
      const delta =
        m.priceDelta === 0 ? '' : ` (${m.priceDelta > 0 ? '+' : ''}${format(m.priceDelta)})`;
      out.push(...wrap(`+ ${m.name}${delta}`, W, '  '));
    }
    if (line.discount) out.push(...row(line.discount.label, format(-line.discount.amount), '  '));
  }
  out.push(rule, ...row('Subtotal', format(receipt.subtotal)));
  for (const d of receipt.discounts) out.push(...row(d.label, format(-d.amount)));
  if (receipt.serviceCharge) {
    const { bps, amount } = receipt.serviceCharge;
    out.push(...row(`Service charge ${formatBps(bps)}`, format(amount)));
  }
  for (const t of receipt.taxes) {
    out.push(
      ...row(`${t.name} ${formatBps(t.bps)}${t.inclusive ? ' incl.' : ''}`, format(t.amount)),
    );
  }
  if (receipt.tip > 0) out.push(...row('Tip', format(receipt.tip)));
  out.push('='.repeat(W), ...row(`TOTAL ${receipt.currency}`, format(receipt.total)));
  for (const t of receipt.tenders) out.push(...row(t.label, format(t.amount)));
  if (receipt.change > 0) out.push(...row('Change', format(receipt.change)));
  if (receipt.footer?.length) out.push(rule, ...receipt.footer.flatMap(center));
  return out.map((l) => l.trimEnd()).join('\n') + '\n';
}
