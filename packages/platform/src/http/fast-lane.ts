import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { runWithContext, type RequestContext } from '../context.ts';
import { hasPermission, type Access, type Authenticator, type Principal } from './access.ts';

/** A complete answer, made from memory: status, headers and (maybe) the body bytes. */
export interface FastAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /**
   * Whether this answer still stands. Given (on a route that names its
   * `varies` headers), the next request on the same connection with the same
   * path, Authorization and `varies` headers gets this answer again without
   * the route being asked, while this says `true` and the principal still
   * stands (ADR 0010). Synchronous and cheap: it runs on every such request.
   */
  readonly stillCurrent?: () => boolean;
}

/**
 * A read so hot that it may skip the framework (ADR 0010): a GET whose answer
 * is already in memory. `answer` runs synchronously in the request's context
 * and either answers or returns `undefined`, and then the request goes
 * through the full pipeline as if the fast lane did not exist. The same
 * route must also be registered normally: it serves every miss, every error
 * and every request the fast lane does not recognise.
 */
export interface FastRoute {
  /** Matched against the path; a query string always takes the full pipeline. */
  readonly pattern: RegExp;
  readonly access: Access;
  /**
   * The request headers (lower-case) that the answer depends on besides the
   * path and Authorization. Only a route that names them has its answers
   * reused (see `FastAnswer.stillCurrent`).
   */
  readonly varies?: readonly string[];
  answer(
    request: IncomingMessage,
    match: RegExpExecArray,
    principal?: Principal,
  ): FastAnswer | undefined;
}

export interface FastLaneOptions {
  routes: readonly FastRoute[];
  authenticator?: Authenticator;
  logger: Logger;
  /** The response headers every API answer carries (security headers). */
  headers: readonly (readonly [string, string])[];
  /** The request id: the caller's or a new one. */
  requestId(request: IncomingMessage): string;
  /** The trace id (from `traceparent`, or new): asked only when a context is made. */
  traceId(request: IncomingMessage, requestId: string): string;
  /** True once the app is closing: answers must then tell clients to hang up. */
  closing(): boolean;
}

/** The largest body sent in one write with its headers (measured: ADR 0010). */
const oneWriteBodyBytes = 8 * 1024;

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return header.slice(space + 1).trim() || undefined;
}

/**
 * Returns a function that answers a request in the fast lane and says `true`,
 * or leaves it untouched and says `false`. Whatever it cannot decide alone —
 * a token it has not verified before, a denied permission, a revoked session,
 * an error, a cache miss, a request with a body — it leaves to the full
 * pipeline, which gives the same answer the slow way (a problem document,
 * a fresh load).
 */
export function fastLane(options: FastLaneOptions) {
  const { routes, authenticator, logger } = options;
  const logCompleted = logger.isLevelEnabled('info');

  // A terminal sends the same Authorization header on every request of its
  // connection. The principal it gave is kept with the connection and reused
  // while the header stays the same and the authenticator says it still stands
  // (not expired, not revoked): no token parsing or look-up per request (ADR 0010).
  const byConnection = new WeakMap<object, { header: string; principal: Principal }>();

  /** Answer bodies as latin1 text (byte for byte), made once per body. */
  const bodyText = new WeakMap<Buffer, string>();
  function textOf(body: Buffer): string {
    let text = bodyText.get(body);
    if (text === undefined) {
      text = body.toString('latin1');
      bodyText.set(body, text);
    }
    return text;
  }

  // The last answer given on a connection, with what it was the answer to: a
  // terminal asks the same question again and again (ADR 0010).
  const lastAnswer = new WeakMap<object, Remembered>();
  interface Remembered {
    readonly url: string;
    readonly varies: readonly string[];
    readonly values: readonly (string | string[] | undefined)[];
    readonly principal: Principal | undefined;
    readonly answer: FastAnswer & { stillCurrent: () => boolean };
  }

  /** The connection's last answer, if this request asks the same and it still stands. */
  function remembered(request: IncomingMessage, url: string): Remembered | undefined {
    const last = lastAnswer.get(request.socket);
    if (!last || last.url !== url) return undefined;
    const { headers } = request;
    for (let i = 0; i < last.varies.length; i += 1) {
      if (headers[last.varies[i]!] !== last.values[i]) return undefined;
    }
    // The connection's principal, by the same rule as any request: it must be the one answered.
    if (last.principal && authenticated(request) !== last.principal) return undefined;
    try {
      return last.answer.stillCurrent() ? last : undefined;
    } catch {
      return undefined;
    }
  }

  function remember(
    request: IncomingMessage,
    url: string,
    route: FastRoute,
    principal: Principal | undefined,
    answer: FastAnswer,
  ) {
    const { varies } = route;
    const { stillCurrent } = answer;
    if (!varies || !stillCurrent) {
      lastAnswer.delete(request.socket);
      return;
    }
    const { headers } = request;
    lastAnswer.set(request.socket, {
      url,
      varies,
      values: varies.map((name) => headers[name]),
      principal,
      answer: answer as Remembered['answer'],
    });
  }

  /** Writes `answer` with the request's id, and the request-completed line when info is on. */
  function respond(
    response: ServerResponse,
    url: string,
    started: number,
    answer: FastAnswer,
    requestId: string,
    context: () => RequestContext,
  ) {
    // One object handed to writeHead: Node validates and writes each header once.
    const out: Record<string, string | number> = { 'x-request-id': requestId };
    // A 304 carries the validators and cache fields only (RFC 9110 §15.4.5): the
    // client's stored 200 keeps the security headers it came with, so they are
    // not sent again on the hottest answer (ADR 0010).
    if (answer.status !== 304) for (const [name, value] of options.headers) out[name] = value;
    for (const name in answer.headers) out[name] = answer.headers[name]!;
    const { body } = answer;
    if (body) out['content-length'] = body.length;
    response.writeHead(answer.status, out);
    // Given a string, Node sends the header block and the body in one write
    // (a Buffer takes a second chunk through writev): a small body's bytes,
    // kept as latin1 text, go out unchanged in the same write. A large one
    // would be copied twice on the way, which costs more than writev (ADR 0010).
    if (body && body.length <= oneWriteBodyBytes) response.end(textOf(body), 'latin1');
    else response.end(body);
    if (logCompleted) {
      runWithContext(context(), () =>
        logger.info(
          {
            method: 'GET',
            url,
            statusCode: answer.status,
            ms: Math.round((performance.now() - started) * 100) / 100,
            fastLane: true,
          },
          'request completed',
        ),
      );
    }
  }

  const contextOf = (
    request: IncomingMessage,
    requestId: string,
    principal: Principal | undefined,
  ): RequestContext => ({
    requestId,
    traceId: options.traceId(request, requestId),
    ...(principal && { tenantId: principal.tenantId, actor: principal.actor }),
  });

  function authenticated(request: IncomingMessage): Principal | false {
    const header = request.headers.authorization;
    if (!header || !authenticator) return false;
    const known = byConnection.get(request.socket);
    if (known?.header === header && authenticator.stillValid?.(known.principal) === true) {
      return known.principal;
    }
    const bearer = bearerOf(header);
    if (!bearer) return false;
    const result = authenticator.authenticate(bearer);
    if (result instanceof Promise) {
      // Not verified before: the full pipeline verifies it (and reports any failure).
      result.catch(() => undefined);
      return false;
    }
    byConnection.set(request.socket, { header, principal: result });
    return result;
  }

  function principalFor(route: FastRoute, request: IncomingMessage): Principal | false | undefined {
    if (route.access === 'public') return undefined;
    const principal = authenticated(request);
    if (principal === false) return false;
    const { access } = route;
    return typeof access === 'object' && !hasPermission(principal.actor, access.permission)
      ? false
      : principal;
  }

  return function tryFastLane(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || options.closing()) return false;
    const started = logCompleted ? performance.now() : 0;
    const url = request.url ?? '';
    if (url.includes('?')) return false;
    const { headers } = request;
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
      return false;
    }
    const again = remembered(request, url);
    if (again) {
      // The route is not asked, so no context is entered: one is made for the log line only.
      const requestId = options.requestId(request);
      respond(response, url, started, again.answer, requestId, () =>
        contextOf(request, requestId, again.principal),
      );
      return true;
    }
    for (const route of routes) {
      const match = route.pattern.exec(url);
      if (!match) continue;
      const principal = principalFor(route, request);
      if (principal === false) return false;
      const ctx = contextOf(request, options.requestId(request), principal);
      let answer: FastAnswer | undefined;
      try {
        answer = runWithContext(ctx, () => route.answer(request, match, principal));
      } catch {
        // A refusal or a failure: the full pipeline turns it into a problem document.
        return false;
      }
      if (!answer) return false;
      remember(request, url, route, principal, answer);
      respond(response, url, started, answer, ctx.requestId, () => ctx);
      return true;
    }
    return false;
  };
}
