/** Nearest-rank percentile (0–100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** `value` rounded to `digits` decimals; null for NaN or infinity (JSON has neither). */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Microseconds of CPU per request, from the CPU seconds a server used while it
 * answered `requests`; NaN when there is nothing to divide (no requests, or a
 * process that was gone before the second reading).
 */
export function cpuMicrosPerRequest(cpuSeconds: number, requests: number): number {
  if (!(requests > 0) || !Number.isFinite(cpuSeconds) || cpuSeconds < 0) return Number.NaN;
  return (cpuSeconds * 1e6) / requests;
}
