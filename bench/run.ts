// `npm run bench -- <scenario> [--duration S] [--connections N]`: runs a load
// scenario and prints its figures as one JSON object on the last line.
import { parseArgs } from 'node:util';
import { menuScenario } from './scenarios/menu.ts';

const scenarios: Record<string, (options: BenchOptions) => Promise<Record<string, unknown>>> = {
  menu: menuScenario,
};

export interface BenchOptions {
  durationSeconds: number;
  connections: number;
  log: (message: string) => void;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
  },
});
const name = positionals[0];
const scenario = name ? scenarios[name] : undefined;
if (!scenario) {
  process.stderr.write(
    `usage: npm run bench -- <${Object.keys(scenarios).join('|')}> [--duration S] [--connections N]\n`,
  );
  process.exit(2);
}
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
if (
  !Number.isInteger(durationSeconds) ||
  durationSeconds < 1 ||
  !Number.isInteger(connections) ||
  connections < 1
) {
  process.stderr.write('--duration and --connections must be positive integers\n');
  process.exit(2);
}
const figures = await scenario({
  durationSeconds,
  connections,
  log: (message) => process.stderr.write(`[bench ${name}] ${message}\n`),
});
process.stdout.write(`${JSON.stringify({ scenario: name, ...figures })}\n`);
