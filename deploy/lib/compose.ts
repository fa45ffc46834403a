import {
  commands,
  gracePeriodSeconds,
  healthPaths,
  sandboxApiKey,
  sharedSettings,
} from './settings.ts';
import {
  hostsPayments,
  remoteEnvironment,
  routeEnvironment,
  serviceUrl,
  type ServiceSpec,
  type Topology,
} from '../../apps/server/src/services/topology.ts';

/** The engines compose runs itself; a cluster uses managed ones (see docs/deploy.md). */
export const composeEngines = {
  DATABASE_URL: 'postgres://stratum:stratum@postgres:5432/stratum',
  REDIS_URL: 'redis://redis:6379',
  NATS_URL: 'nats://nats:4222',
} as const;

/** Compose stops the start with this message when the variable is not set. */
export const serviceSecretVariable =
  '${STRATUM_SERVICE_SECRET:?set STRATUM_SERVICE_SECRET (16+ characters) in deploy/.env or the environment}';
const processorKeyVariable = `\${PROCESSOR_API_KEY:-${sandboxApiKey}}`;

const healthcheck = (test: string[], startPeriod = '60s') => ({
  test,
  interval: '5s',
  timeout: '3s',
  retries: 5,
  start_period: startPeriod,
});
const probe = (path: string) => healthcheck(['CMD', 'node', 'deploy/healthcheck.js', path]);
const healthy = (names: readonly string[]) =>
  Object.fromEntries(names.map((n) => [n, { condition: 'service_healthy' }]));

/** Every Stratum process runs the one image, built once from the repository root. */
const stratumImage = {
  image: 'stratum:local',
  build: { context: '..', dockerfile: 'deploy/Dockerfile' },
  restart: 'unless-stopped',
  stop_grace_period: `${gracePeriodSeconds}s`,
};

function engines() {
  return {
    postgres: {
      image: 'postgres:15',
      environment: {
        POSTGRES_USER: 'stratum',
        POSTGRES_PASSWORD: 'stratum',
        POSTGRES_DB: 'stratum',
      },
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: healthcheck(['CMD', 'pg_isready', '-U', 'stratum', '-d', 'stratum'], '10s'),
    },
    redis: {
      image: 'redis:7',
      healthcheck: healthcheck(['CMD', 'redis-cli', 'ping'], '10s'),
    },
    nats: {
      // The alpine variant has wget for the health check; the default image has no shell.
      image: 'nats:2.10-alpine',
      command: ['-js', '-sd', '/data', '-m', '8222'],
      volumes: ['nats-data:/data'],
      healthcheck: healthcheck(
        [
          'CMD',
          'wget',
          '-q',
          '-O',
          '/dev/null',
          'http://127.0.0.1:8222/healthz?js-enabled-only=true',
        ],
        '10s',
      ),
    },
  };
}

function moduleService(topology: Topology, service: ServiceSpec) {
  const payments = hostsPayments(service);
  return {
    ...stratumImage,
    command: [...commands.server],
    environment: {
      ...sharedSettings,
      PORT: String(service.port),
      STRATUM_SERVICE_NAME: service.name,
      STRATUM_MODULES: service.modules.join(','),
      ...remoteEnvironment(topology, service),
      ...composeEngines,
      STRATUM_SERVICE_SECRET: serviceSecretVariable,
      ...(payments && {
        PROCESSOR_URL: serviceUrl({ name: 'processor', port: topology.processor.port }),
        PROCESSOR_API_KEY: processorKeyVariable,
      }),
    },
    healthcheck: probe(healthPaths.server.ready),
    // Remote modules are called lazily and retried, so services do not wait for each other.
    depends_on: healthy(['postgres', 'redis', 'nats', ...(payments ? ['processor'] : [])]),
  };
}

function gateway(topology: Topology) {
  const identity = topology.services.find((s) => s.modules.includes('identity'));
  return {
    ...stratumImage,
    command: [...commands.gateway],
    ports: [`${topology.gateway.port}:${topology.gateway.port}`],
    environment: {
      ...sharedSettings,
      GATEWAY_PORT: String(topology.gateway.port),
      ...routeEnvironment(topology),
      ...(identity && { IDENTITY_URL: serviceUrl(identity) }),
      REDIS_URL: composeEngines.REDIS_URL,
    },
    healthcheck: probe(healthPaths.gateway.ready),
    depends_on: healthy(['redis', ...topology.services.map((s) => s.name)]),
  };
}

function processor(topology: Topology) {
  return {
    ...stratumImage,
    command: [...commands.processor],
    // Only PROCESSOR_* variables: the processor refuses settings it does not know.
    environment: {
      PROCESSOR_HOST: '0.0.0.0',
      PROCESSOR_PORT: String(topology.processor.port),
      PROCESSOR_API_KEY: processorKeyVariable,
    },
    healthcheck: probe(healthPaths.processor.live),
  };
}

/** deploy/compose.yaml: the engines, the sandbox processor, every module service and the gateway. */
export function composeFile(topology: Topology) {
  return {
    name: 'stratum',
    services: {
      ...engines(),
      processor: processor(topology),
      ...Object.fromEntries(topology.services.map((s) => [s.name, moduleService(topology, s)])),
      gateway: gateway(topology),
    },
    volumes: { 'postgres-data': {}, 'nats-data': {} },
  };
}
