import { z } from 'zod';
import { callContextOf, type StratumApp } from '@stratum/platform';
import { menuDocument, type CatalogApi } from '../../contract.ts';

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

/**
 * The precompressed body to send: brotli, else gzip, when the client accepts
 * it (a `q=0` refuses a coding; `*` stands for any not named); else none.
 */
export function pickEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  if (!header) return undefined;
  const accepted = new Map<string, boolean>();
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim());
    const q = params.find((p) => p.startsWith('q='));
    accepted.set(name, q === undefined || Number(q.slice(2)) > 0);
  }
  const ok = (coding: string) => accepted.get(coding) ?? accepted.get('*') ?? false;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

/**
 * The hottest read in the system (ADR 0010). The handler does no
 * serialisation, encoding or compression: the cached bytes go out as they are, and a
 * matching If-None-Match is answered 304 from the cached tag alone.
 */
export function menuRoutes(api: CatalogApi) {
  return (app: StratumApp) => {
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
      async (request, reply) => {
        const menu = await api.menu(callContextOf(request), request.params.storeId);
        const coding = pickEncoding(request.headers['accept-encoding']);
        void reply
          .header('etag', coding ? `W/${menu.etag}` : menu.etag)
          .header('cache-control', 'private, no-cache')
          .header('vary', 'accept-encoding');
        if (etagMatches(request.headers['if-none-match'], menu.etag)) {
          // No payload at all (not `null`, which would be serialised): a 304 has no body.
          return reply.code(304).send(undefined as unknown as null);
        }
        void reply.header('content-type', 'application/json; charset=utf-8');
        if (coding) void reply.header('content-encoding', coding);
        // Cached bytes with a JSON content type bypass the serialiser entirely; a
        // Buffer, unlike the string, is not re-encoded or re-measured per response.
        const body = coding ? menu[coding] : menu.body;
        return reply.send(body as unknown as z.infer<typeof menuDocument>);
      },
    );
  };
}
