/** Every error code the processor answers with, and the HTTP status it travels with. */
const statusOfCode = {
  unauthorized: 401,
  'not-found': 404,
  'invalid-request': 400,
  'unsupported-media-type': 415,
  'idempotency-key-required': 400,
  'invalid-idempotency-key': 400,
  'idempotency-key-reused': 422,
  'idempotency-key-in-flight': 409,
  'card-declined': 402,
  'invalid-card-number': 422,
  'payment-not-found': 404,
  'payment-voided': 409,
  'already-captured': 409,
  'capture-exceeds-authorized': 422,
  'not-voidable': 409,
  'not-refundable': 409,
  'refund-exceeds-captured': 422,
  'processor-unavailable': 503,
  'processor-error': 500,
  'internal-error': 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof statusOfCode;

export function statusOf(code: ErrorCode): number {
  return statusOfCode[code];
}

/** The JSON body of every error answer: `{ code, message, ...extra }`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  [extra: string]: unknown;
}

/** A rejection with a stable code; the HTTP layer maps the code to its status. */
export class ProcessorError extends Error {
  readonly code: ErrorCode;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ProcessorError';
    this.code = code;
    this.extra = extra;
  }

  get status(): number {
    return statusOf(this.code);
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}
