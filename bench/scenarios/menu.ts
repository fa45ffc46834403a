import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { load, loadTool, type LoadResult } from '../lib/load.ts';
import { processCpuSeconds } from '../lib/procfs.ts';
import { startProcess } from '../lib/process.ts';
import { cpuMicrosPerRequest, round as toTenths } from '../lib/stats.ts';
import type { BenchOptions } from '../run.ts';

/**
 * One request as the load generator sends it (plain node:http: no
 * Accept-Encoding), so the ETag and status seen here are the ones under load.
 */
function probe(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; etag: string | undefined; bytes: number }>(
    (resolve, reject) => {
      get(url, { headers, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, bytes }),
        );
      }).on('error', reject);
    },
  );
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A round of a phase, and the CPU it cost its server per request (µs). */
type Round = LoadResult & { cpuUs: number };

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/** The median round of several, by request rate. */
function medianRound(results: LoadResult[]): LoadResult {
  const rps = median(results.map((r) => r.rps));
  return results.find((r) => r.rps === rps)!;
}

/**
 * Each round's rate of a phase divided by the mean of the hello-world rounds
 * measured just before and just after it, so a swing in the machine's speed
 * between rounds cancels out of the ratio.
 */
function pairedRatios(phase: LoadResult[], hello: LoadResult[]): number[] {
  return phase.map(
    (result, round) => result.rps / ((hello[round]!.rps + hello[round + 1]!.rps) / 2),
  );
}

const rounded = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Many terminals fetching the seeded store's menu, with and without
 * If-None-Match, against a bare Fastify route measured in the same run. Both
 * servers stay up and the phases take turns in short rounds, with a last
 * hello-world round at the end, so every menu round lies between two
 * hello-world rounds. A ratio is the median of the rounds' paired ratios
 * (`pairedRatios`); each request rate is the median round.
 */
export async function menuScenario(options: BenchOptions): Promise<Record<string, unknown>> {
  const { connections, durationSeconds, log } = options;
  const rounds = 5;
  const roundSeconds = Math.max(1, Math.round(durationSeconds / 5));
  /** One round of a phase, with what it cost the process serving it per request (/proc). */
  const run = async (
    label: string,
    url: string,
    serverPid: number | undefined,
    extra: Partial<Parameters<typeof load>[0]> = {},
  ): Promise<Round> => {
    const cpuBefore = processCpuSeconds(serverPid);
    const result = await load({ url, connections, durationSeconds: roundSeconds, ...extra });
    const cpuUs = cpuMicrosPerRequest(processCpuSeconds(serverPid) - cpuBefore, result.requests);
    log(
      `${label}: ${result.rps} req/s, p99 ${result.p99_ms} ms, ${toTenths(cpuUs)} µs of CPU each`,
    );
    if (result.non_2xx + result.errors + result.timeouts > 0) {
      throw new Error(`${label}: ${result.non_2xx} unexpected statuses, ${result.errors} errors`);
    }
    return { ...result, cpuUs };
  };

  log('starting the calibration server: bare Fastify hello-world');
  const hello = await startProcess('bench/hello-server.ts', [], {}, /listening (http:\/\/\S+)/);
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
  log('starting Stratum (embedded) with the demo data');
  const server = await startProcess(
    { built: 'server' },
    ['--seed'],
    { PORT: '0', STRATUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    /API\s+(http:\/\/\S+)\/api\/v1/,
  ).catch(async (err: unknown) => {
    await hello.stop();
    throw err;
  });
  try {
    const base = server.match[1]!;
    const helloUrl = `${hello.match[1]}/hello`;
    const { accessToken } = await json<{ accessToken: string }>(
      await fetch(`${base}/api/v1/identity/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demoAccounts.cashier),
      }),
    );
    const auth = { authorization: `Bearer ${accessToken}` };
    const stores = await json<{ items: { id: string; name: string }[] }>(
      await fetch(`${base}/api/v1/store-ops/stores`, { headers: auth }),
    );
    const store = stores.items[0];
    if (!store) throw new Error('the demo data has no store');
    const menuUrl = `${base}/api/v1/catalog/stores/${store.id}/menu`;
    const first = await probe(menuUrl, auth);
    const etag = first.etag;
    if (first.status !== 200 || !etag) throw new Error(`menu: ${first.status}, ETag ${etag}`);
    const revalidated = await probe(menuUrl, { ...auth, 'if-none-match': etag });
    if (revalidated.status !== 304 || revalidated.bytes !== 0) {
      throw new Error(`menu with If-None-Match: ${revalidated.status}, ${revalidated.bytes} bytes`);
    }
    log(`menu of "${store.name}": ${first.bytes} bytes, ETag ${etag}`);

    const stratumPid = server.child.pid;
    const phases = {
      hello: { url: helloUrl, pid: hello.child.pid, extra: {} },
      menu: { url: menuUrl, pid: stratumPid, extra: { headers: auth } },
      // What a real terminal sends: it accepts compressed bodies (the server keeps them precompressed).
      'menu br': {
        url: menuUrl,
        pid: stratumPid,
        extra: { headers: { ...auth, 'accept-encoding': 'br, gzip' } },
      },
      'menu 304': {
        url: menuUrl,
        pid: stratumPid,
        extra: { headers: { ...auth, 'if-none-match': etag }, expectStatus: 304 },
      },
    } as const;
    const results = new Map<string, Round[]>();
    for (const [label, phase] of Object.entries(phases)) {
      await load({ url: phase.url, connections, durationSeconds: 2, ...phase.extra }); // warm-up
      results.set(label, []);
    }
    for (let round = 1; round <= rounds; round += 1) {
      log(`round ${round} of ${rounds} (${roundSeconds} s a phase)`);
      for (const [label, phase] of Object.entries(phases)) {
        results.get(label)!.push(await run(label, phase.url, phase.pid, phase.extra));
      }
    }
    log('closing hello-world round');
    results.get('hello')!.push(await run('hello', helloUrl, phases.hello.pid));
    const helloRounds = results.get('hello')!;
    const ratios = (label: string) => pairedRatios(results.get(label)!, helloRounds).map(rounded);
    const helloResult = medianRound(helloRounds);
    const menu = medianRound(results.get('menu')!);
    const compressed = medianRound(results.get('menu br')!);
    const notModified = medianRound(results.get('menu 304')!);
    const menuRatios = ratios('menu');
    const compressedRatios = ratios('menu br');
    const notModifiedRatios = ratios('menu 304');
    const cpuUs = (label: string) => toTenths(median(results.get(label)!.map((r) => r.cpuUs)));
    return {
      load_tool: loadTool,
      connections,
      rounds,
      round_s: roundSeconds,
      server_log_level: 'warn',
      menu_bytes: first.bytes,
      hello_rps: helloResult.rps,
      hello_p99_ms: helloResult.p99_ms,
      menu_rps: menu.rps,
      menu_p50_ms: menu.p50_ms,
      menu_p99_ms: menu.p99_ms,
      menu_br_rps: compressed.rps,
      menu_br_p99_ms: compressed.p99_ms,
      menu_304_rps: notModified.rps,
      menu_304_p99_ms: notModified.p99_ms,
      menu_vs_hello: median(menuRatios),
      menu_br_vs_hello: median(compressedRatios),
      menu_304_vs_hello: median(notModifiedRatios),
      menu_vs_hello_rounds: menuRatios,
      menu_br_vs_hello_rounds: compressedRatios,
      menu_304_vs_hello_rounds: notModifiedRatios,
      hello_server_cpu_us_per_request: cpuUs('hello'),
      menu_server_cpu_us_per_request: cpuUs('menu'),
      menu_br_server_cpu_us_per_request: cpuUs('menu br'),
      menu_304_server_cpu_us_per_request: cpuUs('menu 304'),
    };
  } finally {
    await Promise.all([server.stop(), hello.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
