import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView } from '@stratum/ordering/contract';
import {
  natsUrl,
  postgresUrl,
  redisUrl,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@stratum/testing';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import {
  apiOf,
  checkoutPath,
  openTill,
  ringUp,
  splitTender,
  type Api,
} from '../support/checkout-till.ts';
import { launchServicesShape, type ServicesShape } from '../support/services-shape.ts';

const engines = () => Boolean(postgresUrl() && redisUrl() && natsUrl());

/** "service KIND name", the way a failure names a span. */
const label = (s: ReceivedSpan) => `${s.serviceName} ${s.kind.toUpperCase()} ${s.name}`;

/** A span's ancestry within the spans received: the span, its parent, …, up to a root or a missing parent. */
function chainOf(span: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [span];
  for (let at = span; at.parentSpanId !== undefined;) {
    const parent = byId.get(at.parentSpanId);
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    at = parent;
  }
  return chain;
}

/** The chain written out, ending with what its last span points at (nothing, or a span never received). */
function describeChain(chain: readonly ReceivedSpan[]): string {
  const top = chain[chain.length - 1]!;
  const end = top.parentSpanId ? `missing parent ${top.parentSpanId}` : 'root';
  return [...chain.map(label), end].join('\n    ← ');
}

/** Fails, naming the hop that broke, unless `ancestor` is on `span`'s parent chain (in the same trace). */
function expectDescendant(
  span: ReceivedSpan,
  ancestor: ReceivedSpan,
  spans: readonly ReceivedSpan[],
): void {
  const chain = chainOf(span, spans);
  const linked = chain.some((s) => s.spanId === ancestor.spanId);
  expect(
    linked && span.traceId === ancestor.traceId,
    `${label(span)} should lead back to ${label(ancestor)}; its chain is\n    ${describeChain(chain)}`,
  ).toBe(true);
}

/** Fails unless `child`'s parent is exactly `parent`. */
function expectChildOf(child: ReceivedSpan, parent: ReceivedSpan): void {
  expect(
    child.parentSpanId === parent.spanId && child.traceId === parent.traceId,
    `${label(child)} should be a child of ${label(parent)} (${parent.traceId}/${parent.spanId}); ` +
      `it is in ${child.traceId} under ${child.parentSpanId ?? 'nothing'}`,
  ).toBe(true);
}

/** The `count` spans that match, failing with what was there when there are not exactly that many. */
function some(
  count: number,
  what: string,
  spans: readonly ReceivedSpan[],
  match: (s: ReceivedSpan) => boolean,
): ReceivedSpan[] {
  const found = spans.filter(match);
  expect(
    found.length,
    `${what}: ${found.length} found among\n  ${spans.map(label).join('\n  ')}`,
  ).toBe(count);
  return found;
}

/** The one span that matches, failing with what was there when it is not exactly one. */
const only = (what: string, spans: readonly ReceivedSpan[], match: (s: ReceivedSpan) => boolean) =>
  some(1, what, spans, match)[0]!;

/** Inventory and store-ops are hosted by the catalog process, ordering and payments by checkout. */
const internalServer = (path: string) => (s: ReceivedSpan) =>
  s.serviceName === 'catalog' && s.kind === 'server' && s.attributes['url.path'] === path;
const internalClient = (path: string) => (s: ReceivedSpan) =>
  s.serviceName === 'checkout' && s.kind === 'client' && s.attributes['url.template'] === path;
const drawerPosting = (s: ReceivedSpan) =>
  s.kind === 'consumer' &&
  s.attributes['messaging.consumer.group.name'] === 'store-ops.on-ordering-checkout-completed';

describe.runIf(engines())('one checkout through the services shape', () => {
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  let receiver: OtlpReceiver;
  let shape: ServicesShape | undefined;
  let api: Api;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    shape = await launchServicesShape({
      natsUrl: natsUrl()!,
      redisUrl: redisUrl()!,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    api = apiOf(shape.url);
    await seedDemo(shape.url);
  }, 180_000);

  afterAll(async () => {
    await shape?.close();
    await receiver?.close();
  });

  it('is one trace from the caller’s traceparent to the processor and the event handlers', async () => {
    // The till's drawer is open (openTill opens it), so the sale has somewhere to be posted.
    const { token, till } = await openTill(api);
    const { orderId, total } = await ringUp(api, token, till);

    const sentAt = BigInt(Date.now()) * 1_000_000n;
    const checkout = await api.ok<CheckoutView>(
      201,
      'POST',
      checkoutPath(orderId),
      token,
      splitTender(till.registerId, total),
      { 'idempotency-key': `trace-${orderId}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
    );
    expect(checkout.status).toBe('completed');

    // The sale reaching store-ops across NATS is the last hop; once its span is in, stopping
    // every process flushes whatever each still buffers, so the set below is complete.
    await receiver.waitFor(
      'the drawer posting’s consumer span',
      (s) => s.some(drawerPosting),
      30_000,
    );
    await shape!.launched.stop();

    expect(receiver.rejected()).toEqual([]);
    const all = receiver.spans();
    // Only the checkout was requested from here on: each hop below happened once in this window,
    // so a span is found even when it landed in the wrong trace, and the failure says where.
    const since = all.filter((s) => BigInt(s.startTimeUnixNano) >= sentAt);
    const trace = all.filter((s) => s.traceId === traceId);

    const gateway = only('the gateway’s server span', since, (s) => s.serviceName === 'gateway');
    expect(gateway.kind).toBe('server');
    expect(
      `${gateway.traceId}/${gateway.parentSpanId}`,
      'the gateway continues the caller’s span',
    ).toBe(`${traceId}/${callerSpanId}`);

    const checkoutServer = only(
      'the checkout route’s server span',
      since,
      (s) =>
        s.serviceName === 'checkout' &&
        s.kind === 'server' &&
        s.attributes['http.route'] === '/api/v1/ordering/orders/:id/checkout',
    );
    // The gateway makes no client span of its own: its server span is the upstream's parent.
    expectChildOf(checkoutServer, gateway);

    // The store is read once: checked before any money moves, and printed on the receipt as read.
    for (const [path, calls] of [
      ['/internal/v1/inventory/reserve', 1],
      ['/internal/v1/inventory/confirmReservation', 1],
      ['/internal/v1/store-ops/getStore', 1],
      ['/internal/v1/store-ops/allocateReceiptNumber', 1],
    ] as const) {
      const clients = some(
        calls,
        `checkout’s client spans to ${path}`,
        since,
        internalClient(path),
      );
      const servers = some(calls, `catalog’s server spans of ${path}`, since, internalServer(path));
      for (const [i, client] of clients.entries()) {
        const server = servers.find((s) => s.parentSpanId === client.spanId) ?? servers[i]!;
        expectChildOf(server, client);
        expectDescendant(client, checkoutServer, all);
      }
    }

    // Payments runs in the checkout process: its capture is a client span under the checkout.
    const capture = only(
      'the card capture’s client span',
      since,
      (s) =>
        s.serviceName === 'checkout' &&
        s.kind === 'client' &&
        s.attributes['peer.service'] === 'card-processor',
    );
    const processor = only(
      'the processor’s server span',
      since,
      (s) => s.serviceName === 'card-processor' && s.kind === 'server',
    );
    expectChildOf(processor, capture);
    expectDescendant(capture, checkoutServer, all);

    const posting = only('the drawer posting’s consumer span', since, drawerPosting);
    expect(posting.serviceName).toBe('catalog');
    expectDescendant(posting, checkoutServer, all);

    // Every span of the trace hangs off the gateway span, i.e. off the caller.
    for (const span of trace) expectDescendant(span, gateway, all);

    // No hop started a trace of its own: any other root in this window, or any other trace
    // reaching an internal route, is a hop that lost the context.
    const strays = since.filter(
      (s) =>
        s.traceId !== traceId &&
        (s.parentSpanId === undefined ||
          String(s.attributes['url.path'] ?? '').startsWith('/internal/v1/')),
    );
    expect(strays.map((s) => `${s.traceId} ${label(s)}`)).toEqual([]);
  }, 90_000);
});
