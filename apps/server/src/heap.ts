import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to up to four times what survived the last
 * full collection before collecting again. Under checkout load much of what
 * reaches the old generation is requests that outlived two scavenges while
 * waiting on the database, so the heap swelled to 3–5 times its live set and
 * the process held 350–380 MB. A fixed growth factor of 1.4 keeps it near the
 * live set (ADR 0016). Imported first by `main.ts`, before anything is
 * allocated; a `--heap-growing-percent` on the command line wins.
 */
const heapGrowingPercent = 40;

if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) {
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
