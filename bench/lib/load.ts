import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  /** Status every answer must have (e.g. 304); others count as failures. */
  expectStatus?: number;
}

/**
 * wrk (C, from Debian's package) when installed: it needs far less CPU than a
 * Node load generator, so on a 2-core machine more of it is left to the server.
 */
export const loadTool: 'wrk' | 'autocannon' =
  spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon';

/** Drives `url` for a fixed time and returns throughput and latency. */
export function load(options: LoadOptions): Promise<LoadResult> {
  return loadTool === 'wrk' ? loadWithWrk(options) : loadWithAutocannon(options);
}

const toMs = (value: string, unit: string) =>
  Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? Number.NaN);

async function loadWithWrk(options: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '--latency'];
  for (const [name, value] of Object.entries(options.headers ?? {}))
    args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  const percentile = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? Math.round(toMs(m[1]!, m[2]!) * 100) / 100 : Number.NaN;
  };
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Math.round(number(/Requests\/sec:\s+([\d.]+)/)),
    p50_ms: percentile('50'),
    p99_ms: percentile('99'),
    requests: number(/(\d+) requests in/),
    non_2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    errors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
  };
}

async function loadWithAutocannon(options: LoadOptions): Promise<LoadResult> {
  let unexpected = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers ?? {},
    setupClient: (client) => {
      client.on('response', (status: number) => {
        if (options.expectStatus !== undefined && status !== options.expectStatus) unexpected += 1;
      });
    },
  });
  const statusFailures = options.expectStatus === undefined ? result.non2xx : unexpected;
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non_2xx: statusFailures,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
