import { randomInt } from 'node:crypto';
import { z } from 'zod';

// setTimeout fires at once for delays above 2^31 - 1 ms, so longer ones are refused.
const maxTimerMs = 2_147_483_647;
const ms = z.int().min(0).max(maxTimerMs);
const rate = z.number().min(0).max(1);

/** The body of `PUT /admin/faults`: every field optional, unknown fields refused. */
export const faultPatchSchema = z.strictObject({
  latencyMs: ms.optional(),
  jitterMs: ms.optional(),
  errorRate: rate.optional(),
  timeoutRate: rate.optional(),
  hangMs: ms.optional(),
  lostResponseRate: rate.optional(),
  seed: z.int().optional(),
});

export type FaultPatch = z.output<typeof faultPatchSchema>;

/** How the sandbox misbehaves. Rates are probabilities per request, from 0 to 1. */
export interface FaultSettings {
  /** Processing time of every processed /v1 request. */
  latencyMs: number;
  /** A random extra of up to this many ms on top of `latencyMs`. */
  jitterMs: number;
  /** Answer 503 `processor-unavailable` before processing. */
  errorRate: number;
  /** Say nothing for `hangMs`, then drop the connection, before processing. */
  timeoutRate: number;
  hangMs: number;
  /** Process and store the answer, then answer 500 `processor-error` instead. */
  lostResponseRate: number;
  /** Seed of the random numbers behind every decision, so a run can be repeated. */
  seed: number;
}

export const defaultFaults: Omit<FaultSettings, 'seed'> = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  hangMs: 30_000,
  lostResponseRate: 0,
};

/** Mulberry32: a tiny, fast PRNG whose whole state is one 32-bit number. Yields [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type EarlyFault = 'error' | 'timeout' | null;

/**
 * Whether a request fails before it is processed. Each decision draws the same count of
 * numbers whatever the settings, so a seed replays the same sequence of outcomes.
 */
export function decideEarlyFault(settings: FaultSettings, random: () => number): EarlyFault {
  const errorDraw = random();
  const timeoutDraw = random();
  if (errorDraw < settings.errorRate) return 'error';
  if (timeoutDraw < settings.timeoutRate) return 'timeout';
  return null;
}

export function decideLatency(settings: FaultSettings, random: () => number): number {
  return settings.latencyMs + Math.floor(random() * (settings.jitterMs + 1));
}

export function decideLostResponse(settings: FaultSettings, random: () => number): boolean {
  return random() < settings.lostResponseRate;
}

export interface FaultCounts {
  error: number;
  timeout: number;
  lostResponse: number;
}

/** The fault settings of one processor, its random numbers and what it has injected. */
export interface Faults {
  readonly settings: FaultSettings;
  readonly injected: FaultCounts;
  /** Applies a patch; a new seed restarts the random sequence. */
  update(patch: FaultPatch): FaultSettings;
  /** Back to the start-up settings and seed, counters at zero. */
  reset(): FaultSettings;
  earlyFault(): EarlyFault;
  latency(): number;
  lostResponse(): boolean;
}

export function createFaults(initial: Partial<FaultSettings> = {}): Faults {
  const startup: FaultSettings = { ...defaultFaults, seed: randomInt(2 ** 31), ...initial };
  let settings = startup;
  let random = seededRandom(settings.seed);
  let injected: FaultCounts = { error: 0, timeout: 0, lostResponse: 0 };

  return {
    get settings() {
      return settings;
    },
    get injected() {
      return injected;
    },
    update(patch) {
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      settings = { ...settings, ...defined };
      if (patch.seed !== undefined) random = seededRandom(patch.seed);
      return settings;
    },
    reset() {
      settings = startup;
      random = seededRandom(settings.seed);
      injected = { error: 0, timeout: 0, lostResponse: 0 };
      return settings;
    },
    earlyFault() {
      const fault = decideEarlyFault(settings, random);
      if (fault) injected = { ...injected, [fault]: injected[fault] + 1 };
      return fault;
    },
    latency() {
      return decideLatency(settings, random);
    },
    lostResponse() {
      const lost = decideLostResponse(settings, random);
      if (lost) injected = { ...injected, lostResponse: injected.lostResponse + 1 };
      return lost;
    },
  };
}
