import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, statusOfKind, type FieldError } from '../errors.ts';
import { currentContext } from '../context.ts';

/** RFC 9457 problem details, plus Stratum's stable `code` and correlation ids. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  traceId?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The problem document as a schema, so the OpenAPI document describes error answers too. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable, kebab-case error code'),
    detail: z.string().optional(),
    instance: z.string().optional(),
    traceId: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .optional()
      .describe('The failing fields of a validation problem'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const problemContentType = 'application/problem+json; charset=utf-8';

export function problemType(code: string): string {
  return `urn:stratum:problem:${code}`;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function makeProblem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  const ctx = currentContext();
  return {
    ...extra,
    type: problemType(code),
    title: titles[status] ?? 'Error',
    status,
    code,
    ...(detail !== undefined && { detail }),
    ...(ctx?.traceId && { traceId: ctx.traceId }),
    ...(ctx?.requestId && { requestId: ctx.requestId }),
  };
}

/** Codes for the framework's own client errors, so they too are stable. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-json-body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_VALIDATION: 'validation-failed',
};

function jsonPath(instancePath: string, params: Record<string, unknown> | undefined): string {
  // zod reports the issue path as a JSON pointer (/a/0/b); show it as a.0.b
  const base = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = params?.['missingProperty'];
  return typeof missing === 'string' ? (base ? `${base}.${missing}` : missing) : base;
}

/** The members of a problem document that are not extensions. */
export const problemMembers: ReadonlySet<string> = new Set([
  'type',
  'title',
  'status',
  'code',
  'detail',
  'instance',
  'traceId',
  'requestId',
  'errors',
]);

/** A domain error's details become extension members, never replacing the standard ones. */
function extensions(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details ?? {}).filter(([key]) => !problemMembers.has(key)),
  );
}

/** Maps any thrown value to a problem document; never leaks a stack or SQL. */
export function toProblem(
  error: unknown,
  request: FastifyRequest,
): { problem: Problem; internal: boolean } {
  const instance = request.url.split('?')[0];
  if (error instanceof DomainError) {
    const status = statusOfKind[error.kind];
    return {
      problem: makeProblem(status, error.code, error.message, {
        ...extensions(error.details),
        instance,
      }),
      internal: false,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors: FieldError[] = error.validation.map((v) => ({
      path: [where, jsonPath(v.instancePath, v.params)].filter(Boolean).join('.'),
      message: v.message ?? 'is invalid',
      ...(typeof v.keyword === 'string' && { code: v.keyword }),
    }));
    return {
      problem: makeProblem(400, 'validation-failed', 'The request did not pass validation.', {
        instance,
        errors,
      }),
      internal: false,
    };
  }
  const fe = error as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (fe.code && fastifyCodes[fe.code]) ?? 'bad-request';
    return { problem: makeProblem(fe.statusCode, code, fe.message, { instance }), internal: false };
  }
  return {
    problem: makeProblem(500, 'internal-error', 'An unexpected error occurred.', { instance }),
    internal: true,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type(problemContentType).send(problem);
}
