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

/** Drives `url` with autocannon for a fixed time and returns throughput and latency. */
export async function load(options: LoadOptions): Promise<LoadResult> {
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
