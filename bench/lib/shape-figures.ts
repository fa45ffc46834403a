// The figures of the shapes scenario, computed from what the load recorded:
// pure functions, so the way a shape's result is shaped and two shapes are
// compared does not depend on the processes that produced the numbers.
import { percentile, round } from './stats.ts';
import type { Completed, Failure } from './till.ts';

export const deploymentShapes = ['embedded', 'single', 'services'] as const;
export type DeploymentShape = (typeof deploymentShapes)[number];

export interface LoadFigures {
  window_s: number | null;
  checkouts: number;
  checkouts_per_s: number | null;
  checkout_p50_ms: number | null;
  checkout_p95_ms: number | null;
  checkout_p99_ms: number | null;
  /** Failed checkouts inside the measured window. */
  errors: number;
  error_kinds: Record<string, number>;
  /** Failed checkouts before it (first checkout, warm-up) or after it (draining). */
  errors_outside_window: number;
  /** One message per kind of failure, at most five. */
  error_samples: string[];
}

/**
 * Throughput, latency and errors of the checkouts that ended in the window
 * `from`–`to` (performance.now() times); failures outside it are counted apart.
 */
export function loadFigures(
  completed: readonly Completed[],
  failures: readonly Failure[],
  from: number,
  to: number,
): LoadFigures {
  const seconds = (to - from) / 1000;
  const inWindow = completed.filter((c) => c.end >= from && c.end <= to).map((c) => c.checkoutMs);
  const failed = failures.filter((f) => f.at >= from && f.at <= to);
  const kinds: Record<string, number> = {};
  for (const f of failed) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  return {
    window_s: round(seconds, 2),
    checkouts: inWindow.length,
    checkouts_per_s: seconds > 0 ? round(inWindow.length / seconds, 1) : null,
    checkout_p50_ms: round(percentile(inWindow, 50), 2),
    checkout_p95_ms: round(percentile(inWindow, 95), 2),
    checkout_p99_ms: round(percentile(inWindow, 99), 2),
    errors: failed.length,
    error_kinds: kinds,
    errors_outside_window: failures.length - failed.length,
    error_samples: [...new Map(failures.map((f) => [f.kind, f.detail])).values()].slice(0, 5),
  };
}

export interface ProcessMemory {
  name: string;
  /** Resident memory at the end of the window, MiB (NaN once the process is gone). */
  rss: number;
  /** The highest resident memory sampled during the load, MiB. */
  peak: number;
}

export interface MemoryFigures {
  server_processes: number;
  /** Sum over the processes that serve the API (not the card processor). */
  server_rss_mb: number | null;
  /** Sum of each process's own peak: an upper bound of the shape's peak. */
  server_rss_peak_mb: number | null;
  server_rss_by_process_mb: Record<string, { rss: number | null; peak: number | null }>;
}

export function memoryFigures(processes: readonly ProcessMemory[]): MemoryFigures {
  const sum = (pick: (p: ProcessMemory) => number) =>
    processes.length === 0
      ? null
      : round(
          processes.reduce((total, p) => total + pick(p), 0),
          1,
        );
  return {
    server_processes: processes.length,
    server_rss_mb: sum((p) => p.rss),
    server_rss_peak_mb: sum((p) => Math.max(p.peak, p.rss)),
    server_rss_by_process_mb: Object.fromEntries(
      processes.map((p) => [
        p.name,
        { rss: round(p.rss, 1), peak: round(Math.max(p.peak, p.rss), 1) },
      ]),
    ),
  };
}

export type ShapeResult =
  | ({ status: 'ok' } & LoadFigures & Partial<MemoryFigures> & Record<string, unknown>)
  | { status: 'failed'; reason: string; [figure: string]: unknown };

/** `a / b` to three decimals; null when either is missing or `b` is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b, 3);
}

export type Comparison =
  | {
      checkouts_per_s: number | null;
      checkout_p50_ms: number | null;
      checkout_p99_ms: number | null;
    }
  | { note: string };

/**
 * How shape `a` fares against shape `b`: each figure of `a` divided by the
 * same figure of `b` (throughput above 1 and latency below 1 favour `a`).
 */
export function compareShapes(
  results: Partial<Record<DeploymentShape, ShapeResult>>,
  a: DeploymentShape,
  b: DeploymentShape,
): Comparison {
  const x = results[a];
  const y = results[b];
  if (x?.status !== 'ok' || y?.status !== 'ok') {
    const absent = [a, b].filter((s) => results[s]?.status !== 'ok');
    return { note: `no comparison: ${absent.join(' and ')} did not run to the end` };
  }
  return {
    checkouts_per_s: ratio(x.checkouts_per_s, y.checkouts_per_s),
    checkout_p50_ms: ratio(x.checkout_p50_ms, y.checkout_p50_ms),
    checkout_p99_ms: ratio(x.checkout_p99_ms, y.checkout_p99_ms),
  };
}

/** The scenario's figures: every shape's result, the comparisons, and which shapes failed. */
export function shapesSummary(results: Partial<Record<DeploymentShape, ShapeResult>>) {
  return {
    shapes: results,
    services_vs_single: compareShapes(results, 'services', 'single'),
    single_vs_embedded: compareShapes(results, 'single', 'embedded'),
    failed: deploymentShapes.filter((s) => results[s]?.status === 'failed'),
  };
}
