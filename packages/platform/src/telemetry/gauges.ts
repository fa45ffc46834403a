import type { Attributes } from '@opentelemetry/api';
import { whenMeter } from './state.ts';

/** One value, or one value per label set (e.g. per consumer or per outbox). */
export type GaugeReading = number | readonly { value: number; attributes?: Attributes }[];

/**
 * Declares a gauge whose value is read by `read` at each scrape (consumer
 * lag, outbox backlog): the value is computed only when someone looks. It may
 * be declared before `initTelemetry`; it starts reporting once telemetry is on.
 * Use each name once. Returns a function that stops reporting.
 */
export function observeGauge(
  name: string,
  description: string,
  read: () => GaugeReading | Promise<GaugeReading>,
): () => void {
  let stopped = false;
  const unsubscribe = whenMeter((meter) => {
    meter.createObservableGauge(name, { description }).addCallback(async (result) => {
      if (stopped) return;
      const reading = await read();
      if (typeof reading === 'number') result.observe(reading);
      else for (const { value, attributes } of reading) result.observe(value, attributes);
    });
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
