// Writes deploy/compose.yaml and deploy/k8s/*.yaml from deploy/topology.json:
// `npm run deploy:render`. With `--check` it writes nothing and exits 1 when a
// committed file differs from what it would write.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedMarker, renderDeployFiles } from './lib/files.ts';
import { readTopology, topologyProblems } from '../apps/server/src/services/topology.ts';

const deployDir = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');

const topology = readTopology();
const problems = topologyProblems(topology);
if (problems.length > 0) {
  process.stderr.write(`deploy/topology.json is not deployable:\n  - ${problems.join('\n  - ')}\n`);
  process.exit(1);
}

const files = renderDeployFiles(topology);
/** Generated manifests of services that left the topology. */
const stale = readdirSync(join(deployDir, 'k8s'))
  .map((f) => `k8s/${f}`)
  .filter(
    (f) => !files.has(f) && readFileSync(join(deployDir, f), 'utf8').includes(generatedMarker),
  );

const differing = [...files].filter(([path, text]) => {
  const target = join(deployDir, path);
  return !existsSync(target) || readFileSync(target, 'utf8') !== text;
});

if (check) {
  for (const [path] of differing) process.stderr.write(`deploy/${path} is out of date\n`);
  for (const path of stale) process.stderr.write(`deploy/${path} is no longer generated\n`);
  if (differing.length + stale.length > 0) {
    process.stderr.write('Run `npm run deploy:render` and commit the result.\n');
    process.exit(1);
  }
} else {
  for (const [path, text] of differing) {
    mkdirSync(dirname(join(deployDir, path)), { recursive: true });
    writeFileSync(join(deployDir, path), text);
  }
  for (const path of stale) rmSync(join(deployDir, path));
  process.stdout.write(
    `deploy/: ${differing.length} written, ${stale.length} removed, ${files.size - differing.length} unchanged\n`,
  );
}
