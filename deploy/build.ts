// The compiled build: each process Stratum runs as one JavaScript file (ADR 0023).
//
//   npm run build            -> dist/server/main.mjs, dist/gateway/main.mjs,
//                               dist/card-processor/main.mjs (with source maps)
//
// The workspace's TypeScript (apps, modules, packages) is bundled; the npm
// dependencies stay external and load from node_modules as they are. A dependency
// that only a workspace package can resolve (installed below it, not at the root)
// is bundled too, since the output could not find it. Files that locate things
// beside themselves (`import.meta.url`: migrations, the topology) keep pointing at
// the sources, so the build runs from a checkout or an image that has them, and
// the output goes below the repository root, where Node finds node_modules.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { builtEntry, entryPoints, type BuiltProcess } from './built.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const defaultOutdir = join(repoRoot, 'dist');

/**
 * `import.meta.url` in a bundled file would name the bundle; each source file's
 * own location is kept instead, relative to the bundle, so the output can move
 * with the checkout. `import.meta.dirname` and `filename` are refused rather than
 * silently wrong.
 */
function ownLocation(outputFolder: string): Plugin {
  return {
    name: 'own-location',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        if (/import\.meta\.(dirname|filename)/.test(source)) {
          return { errors: [{ text: 'use import.meta.url: the build rewrites only that' }] };
        }
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const own = JSON.stringify(relative(outputFolder, path).split('\\').join('/'));
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

/** npm dependencies the repository root resolves stay external; the rest is bundled. */
function externalDependencies(): Plugin {
  const fromRoot = createRequire(pathToFileURL(join(repoRoot, 'package.json')));
  const rootResolves = (specifier: string) => {
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0]!;
    try {
      fromRoot.resolve(`${name}/package.json`);
      return true;
    } catch {
      // Packages whose exports hide package.json: resolving the specifier itself tells.
      try {
        fromRoot.resolve(specifier);
        return true;
      } catch {
        return false;
      }
    }
  };
  return {
    name: 'external-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, ({ path }) => {
        if (path.startsWith('node:') || path.startsWith('@stratum/')) return undefined;
        return rootResolves(path) ? { path, external: true } : undefined;
      });
    },
  };
}

export interface BuildResult {
  outdir: string;
  files: Record<BuiltProcess, string>;
  ms: number;
}

/** Builds every process into `outdir` (default `dist/`). */
export async function buildAll(outdir = defaultOutdir): Promise<BuildResult> {
  const started = performance.now();
  const within = relative(repoRoot, resolve(outdir));
  if (within === '' || within.startsWith('..') || isAbsolute(within)) {
    // Node resolves the external dependencies upwards from the output file.
    throw new Error(`the build must go below ${repoRoot}, where node_modules is: ${outdir}`);
  }
  // Every bundle lies one folder below outdir, so one relative prefix serves all.
  const outputFolder = join(outdir, 'server');
  await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(
      Object.entries(entryPoints).map(([name, entry]) => [`${name}/main`, entry]),
    ),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // Bundled CommonJS code may call require(); ESM output has none of its own.
    banner: {
      js: "import { createRequire as __stratumRequire } from 'node:module'; const require = __stratumRequire(import.meta.url);",
    },
    plugins: [ownLocation(outputFolder), externalDependencies()],
    logLevel: 'warning',
  });
  const files = Object.fromEntries(
    Object.keys(entryPoints).map((name) => [name, builtEntry(name as BuiltProcess, outdir)]),
  ) as Record<BuiltProcess, string>;
  return { outdir, files, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildAll(process.argv[2] ?? undefined);
  const files = Object.values(result.files).map((file) => relative(process.cwd(), file));
  process.stderr.write(`built ${files.join(', ')} in ${result.ms} ms\n`);
}
