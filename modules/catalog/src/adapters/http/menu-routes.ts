import { z } from 'zod';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  callContextOf,
  type CallContext,
  type FastAnswer,
  type StratumApp,
} from '@stratum/platform';
import { menuDocument, type CatalogApi, type SerializedMenu } from '../../contract.ts';

const storeParams = z.object({ storeId: z.uuid() });

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a W/ prefix on
 * either side does not stop a match; `*` matches any current menu.
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

type Coding = 'br' | 'gzip';

function parseEncoding(header: string): Coding | undefined {
  const accepted = new Map<string, boolean>();
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim());
    const q = params.find((p) => p.startsWith('q='));
    accepted.set(name, q === undefined || Number(q.slice(2)) > 0);
  }
  const ok = (coding: string) => accepted.get(coding) ?? accepted.get('*') ?? false;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

// Terminals send one of a handful of Accept-Encoding values, so each is parsed
// once; the bound keeps arbitrary values from growing the map.
const knownEncodings = new Map<string, Coding | null>();
const maxKnownEncodings = 64;

/**
 * The precompressed body to send: brotli, else gzip, when the client accepts
 * it (a `q=0` refuses a coding; `*` stands for any not named); else none.
 */
export function pickEncoding(header: string | undefined): Coding | undefined {
  if (!header) return undefined;
  const known = knownEncodings.get(header);
  if (known !== undefined) return known ?? undefined;
  const coding = parseEncoding(header);
  if (knownEncodings.size < maxKnownEncodings) knownEncodings.set(header, coding ?? null);
  return coding;
}

/** A fresh menu this process already holds, synchronously, or `undefined`. */
export type CachedMenu = (ctx: CallContext, storeId: string) => SerializedMenu | undefined;

type MenuAnswer = FastAnswer & { body?: Buffer };

/** Every answer one cached menu can give, made once per menu (see `menuAnswer`). */
interface MenuAnswers {
  readonly plain: MenuAnswer;
  readonly br: MenuAnswer;
  readonly gzip: MenuAnswer;
  readonly notModified: MenuAnswer;
  readonly notModifiedWeak: MenuAnswer;
}

function answersOf(menu: SerializedMenu): MenuAnswers {
  const common = (etag: string) => ({
    etag,
    'cache-control': 'private, no-cache',
    vary: 'accept-encoding',
  });
  const ok = (body: Buffer, coding?: Coding): MenuAnswer => ({
    status: 200,
    headers: {
      ...common(coding ? `W/${menu.etag}` : menu.etag),
      'content-type': 'application/json; charset=utf-8',
      ...(coding && { 'content-encoding': coding }),
    },
    // A Buffer, unlike the string, is not re-encoded or re-measured per response.
    body,
  });
  return {
    plain: ok(menu.body),
    br: ok(menu.br, 'br'),
    gzip: ok(menu.gzip, 'gzip'),
    notModified: { status: 304, headers: common(menu.etag) },
    notModifiedWeak: { status: 304, headers: common(`W/${menu.etag}`) },
  };
}

// Keyed by the cached menu itself: its answers go when it does.
const answersByMenu = new WeakMap<SerializedMenu, MenuAnswers>();

/**
 * The answer to a menu request, from the cached entry alone: the tag and the
 * bytes were made when it was built, and the answers themselves when it was
 * first served, so a request allocates nothing here. A matching If-None-Match
 * gets a 304 without a body; a client that accepts br or gzip gets the
 * precompressed bytes under the weak form of the tag.
 */
export function menuAnswer(headers: IncomingHttpHeaders, menu: SerializedMenu): MenuAnswer {
  let answers = answersByMenu.get(menu);
  if (!answers) {
    answers = answersOf(menu);
    answersByMenu.set(menu, answers);
  }
  const coding = pickEncoding(headers['accept-encoding']);
  if (etagMatches(headers['if-none-match'], menu.etag)) {
    return coding ? answers.notModifiedWeak : answers.notModified;
  }
  return coding ? answers[coding] : answers.plain;
}

function sendMenu(request: FastifyRequest, reply: FastifyReply, menu: SerializedMenu): void {
  const answer = menuAnswer(request.headers, menu);
  // Cached bytes with a JSON content type bypass the serialiser entirely.
  void reply.code(answer.status).headers(answer.headers).send(answer.body);
}

// A lower-case UUID store id, as the API hands them out; anything else takes the full pipeline.
const menuPath =
  /^\/api\/v1\/catalog\/stores\/([\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12})\/menu$/;

/**
 * The hottest read in the system (ADR 0010). Nothing is serialised, encoded
 * or compressed per request: the cached bytes go out as they are. While this
 * process holds the current menu, the fast lane answers before the framework
 * runs; the route below serves everything else (a first read, a token not
 * seen before, a refusal) and loads the menu once however many readers miss.
 */
export function menuRoutes(api: CatalogApi, cached: CachedMenu) {
  return (app: StratumApp) => {
    app.fastRoute({
      pattern: menuPath,
      access: { permission: 'catalog:read' },
      // What menuAnswer reads: a terminal asking again on its connection with the
      // same tag gets the same answer while the process still holds that menu.
      varies: ['if-none-match', 'accept-encoding'],
      answer(request, match, principal) {
        if (!principal) return undefined;
        const who = { tenantId: principal.tenantId, actor: principal.actor };
        const storeId = match[1]!;
        const menu = cached(who, storeId);
        if (!menu) return undefined;
        return {
          ...menuAnswer(request.headers, menu),
          stillCurrent: () => cached(who, storeId) === menu,
        };
      },
    });
    app.get(
      '/api/v1/catalog/stores/:storeId/menu',
      {
        config: { access: { permission: 'catalog:read' } },
        schema: {
          tags: ['catalog'],
          summary:
            'The POS menu of a store (ETag / If-None-Match: 304 when unchanged; br or gzip when accepted)',
          params: storeParams,
          response: {
            200: menuDocument,
            304: z.null().describe('Not modified: the menu matches If-None-Match'),
          },
        },
      },
      (request, reply) => {
        const ctx = callContextOf(request);
        const { storeId } = request.params;
        const hit = cached(ctx, storeId);
        if (hit) return sendMenu(request, reply, hit);
        // Resolves once the reply is sent; Fastify expects nothing more.
        return api.menu(ctx, storeId).then((menu) => sendMenu(request, reply, menu));
      },
    );
  };
}
