import { currentContext } from '../context.ts';
import { DomainError, statusOfKind, type ErrorKind } from '../errors.ts';
import type { CallContext } from '../module.ts';
import { problemMembers } from '../http/problem.ts';
import {
  callPolicyDefaults,
  createCallPolicy,
  type CallPolicy,
  type CallPolicyOptions,
} from '../resilience/call-policy.ts';
import { dependencyError } from '../resilience/failures.ts';
import {
  DEADLINE_HEADER,
  isIdempotent,
  operationPath,
  type OperationSpec,
  type RemoteContract,
} from './contract.ts';
import type { ServiceTokens } from './service-tokens.ts';
import { tracedRequest } from '../telemetry/http-client.ts';

const problemMediaType = 'application/problem+json';

export interface RemoteClientOptions {
  /** Where the module is hosted, e.g. `http://127.0.0.1:4102`. */
  baseUrl: string;
  tokens: ServiceTokens;
  /** Timeout, retry, breaker and bulkhead for calls to this module (defaults: `callPolicyDefaults`). */
  policy?: CallPolicyOptions;
  /** Extra headers for each call, e.g. the trace context. */
  headers?: () => Record<string, string>;
}

export interface RemoteClient<Api, K extends keyof Api & string> {
  /** The module's operations, with the same signatures and errors as in-process. */
  readonly api: Pick<Api, K>;
  /** The policy every call goes through (its state is what metrics report). */
  readonly policy: CallPolicy;
}

const kindOfStatus = new Map<number, ErrorKind>(
  Object.entries(statusOfKind).map(([kind, status]) => [status, kind as ErrorKind]),
);
/** Everything but these is the error's details, field `errors` of a validation problem included. */
const standardMembers = new Set([...problemMembers].filter((m) => m !== 'errors'));

/** A failed HTTP exchange (no answer from the module): transient when 5xx. */
class RemoteCallFailed extends Error {
  readonly status: number;
  constructor(module: string, status: number) {
    super(`${module} answered ${status}.`);
    this.name = 'RemoteCallFailed';
    this.status = status;
  }
}

/** The DomainError a problem document stands for, with its code, kind and details. */
function domainErrorOf(problem: Record<string, unknown>, status: number): DomainError {
  const details = Object.fromEntries(
    Object.entries(problem).filter(([key]) => !standardMembers.has(key)),
  );
  return new DomainError(
    String(problem['code']),
    typeof problem['detail'] === 'string' ? problem['detail'] : undefined,
    kindOfStatus.get(status) ?? (status >= 500 ? 'unavailable' : 'invalid'),
    Object.keys(details).length > 0 ? details : undefined,
  );
}

/** JSON turns a trailing `undefined` argument into `null`; optional arguments are left out instead. */
function trimmed(args: readonly unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: DomainError };

/**
 * A typed client of a module's remote contract. Each call carries the tenant,
 * actor, request id, trace context and the caller's remaining time budget;
 * runs under one call policy per module (timeout, retry with backoff and
 * jitter only for operations the contract marks idempotent, circuit breaker,
 * bulkhead); and turns the module's problem documents back into the same
 * DomainErrors the module raises in-process. A module's answer, even an error,
 * counts as a success for the breaker: only failures to get one trip it.
 */
export function remoteClient<Api, K extends keyof Api & string>(
  contract: RemoteContract<Api, K>,
  options: RemoteClientOptions,
): RemoteClient<Api, K> {
  const dependency = `module ${contract.module}`;
  const policy = createCallPolicy(dependency, options.policy);
  const attemptBudget = options.policy?.attemptTimeoutMs ?? callPolicyDefaults.attemptTimeoutMs;

  const attempt = async (
    url: URL,
    body: string,
    signal: AbortSignal,
    retryRefused = true,
  ): Promise<Outcome> => {
    const ctx = currentContext();
    const budget =
      ctx?.deadline === undefined
        ? attemptBudget
        : Math.min(attemptBudget, ctx.deadline - Date.now());
    const response = await tracedRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await options.tokens.token()}`,
          [DEADLINE_HEADER]: String(Math.max(0, Math.floor(budget))),
          ...(ctx?.requestId && { 'x-request-id': ctx.requestId }),
          ...options.headers?.(),
        },
        body,
        signal,
      },
      { route: url.pathname },
    );
    if (response.ok) return { ok: true, value: response.text === '' ? undefined : response.json() };
    const isProblem = (response.header('content-type') ?? '').startsWith(problemMediaType);
    const problem = isProblem ? response.json<Record<string, unknown>>() : undefined;
    if (response.status === 401 && retryRefused) {
      // The token expired or the keys rotated: one fresh token, then the module's word stands.
      options.tokens.invalidate();
      return attempt(url, body, signal, false);
    }
    if (problem && typeof problem['code'] === 'string' && problem['code'] !== 'internal-error') {
      return { ok: false, error: domainErrorOf(problem, response.status) };
    }
    throw new RemoteCallFailed(contract.module, response.status);
  };

  const call = async (name: K, spec: OperationSpec, ctx: CallContext, args: unknown[]) => {
    const sent = trimmed(args);
    const deadline = currentContext()?.deadline;
    let signal: AbortSignal | undefined;
    if (deadline !== undefined) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw dependencyError('dependency-timeout', dependency);
      signal = AbortSignal.timeout(remaining);
    }
    const url = new URL(operationPath(contract.module, name), options.baseUrl);
    const body = JSON.stringify({ tenantId: ctx.tenantId, actor: ctx.actor, args: sent });
    const outcome = await policy.execute((attemptSignal) => attempt(url, body, attemptSignal), {
      idempotent: isIdempotent(spec, sent),
      ...(signal && { signal }),
    });
    if (!outcome.ok) throw outcome.error;
    return spec.result.parse(outcome.value);
  };

  const api = Object.fromEntries(
    (Object.keys(contract.operations) as K[]).map((name) => {
      const spec = contract.operations[name];
      return [name, (ctx: CallContext, ...args: unknown[]) => call(name, spec, ctx, args)];
    }),
  ) as unknown as Pick<Api, K>;
  return { api, policy };
}
