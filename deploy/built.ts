// Where the compiled build puts each process (deploy/build.ts writes it; the
// launcher, the bench and the image run it). No build tooling is imported here.
import { join } from 'node:path';

/** The processes, by output folder: `<outdir>/<name>/main.mjs`. */
export const entryPoints = {
  server: 'apps/server/src/main.ts',
  gateway: 'apps/gateway/src/main.ts',
  'card-processor': 'apps/card-processor/src/main.ts',
} as const;

export type BuiltProcess = keyof typeof entryPoints;

/** The file a build into `outdir` writes for `process`. */
export function builtEntry(process: BuiltProcess, outdir: string): string {
  return join(outdir, process, 'main.mjs');
}

/**
 * How Node runs a built process: with source maps, so stack traces name the
 * TypeScript sources.
 */
export function builtCommand(process: BuiltProcess, outdir: string): string[] {
  return ['--enable-source-maps', builtEntry(process, outdir)];
}
