import { envName } from '../../apps/server/src/config.ts';
import { commands, healthPaths, sharedSettings } from './settings.ts';
import {
  hostsPayments,
  remoteEnvironment,
  routeEnvironment,
  serviceUrl,
  type ServiceSpec,
  type Topology,
} from '../../apps/server/src/services/topology.ts';
import {
  autoscaler,
  configMapName,
  deployment,
  fromSecret,
  literal,
  namespace,
  secretName,
  service,
  type Workload,
} from './workload.ts';

/** Secret values that must be replaced: deliberately invalid, so a forgotten one fails at start. */
export const placeholder = 'REPLACE_ME';

/** A file of deploy/k8s: its name, a note for its header, and its documents. */
export interface ManifestFile {
  file: string;
  note?: string;
  documents: object[];
}

const moduleResources = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '768Mi' },
};

function moduleWorkload(topology: Topology, s: ServiceSpec): Workload {
  const processor = { name: 'processor', port: topology.processor.port };
  return {
    name: s.name,
    component: 'module-service',
    command: commands.server,
    port: s.port,
    sharedConfig: true,
    env: [
      ...literal({
        PORT: String(s.port),
        STRATUM_SERVICE_NAME: s.name,
        STRATUM_MODULES: s.modules.join(','),
        ...remoteEnvironment(topology, s),
        ...(hostsPayments(s) && { PROCESSOR_URL: serviceUrl(processor) }),
      }),
      fromSecret('STRATUM_SERVICE_SECRET'),
      fromSecret('DATABASE_URL'),
      fromSecret('REDIS_URL'),
      // Optional keys: set them in the Secret to give the app its own login
      // role, or a module its own database (ADR 0021).
      fromSecret('DATABASE_APP_URL', true),
      ...s.modules.map((m) => fromSecret(`DATABASE_URL_${envName(m)}`, true)),
      ...(hostsPayments(s) ? [fromSecret('PROCESSOR_API_KEY')] : []),
    ],
    probes: healthPaths.server,
    resources: moduleResources,
    rollingUpdate: true,
  };
}

function gatewayWorkload(topology: Topology): Workload {
  const identity = topology.services.find((s) => s.modules.includes('identity'));
  return {
    name: 'gateway',
    component: 'gateway',
    command: commands.gateway,
    port: topology.gateway.port,
    sharedConfig: true,
    env: [
      ...literal({
        GATEWAY_PORT: String(topology.gateway.port),
        ...routeEnvironment(topology),
        ...(identity && { IDENTITY_URL: serviceUrl(identity) }),
      }),
      fromSecret('REDIS_URL'),
    ],
    probes: healthPaths.gateway,
    resources: {
      requests: { cpu: '100m', memory: '192Mi' },
      limits: { cpu: '1', memory: '384Mi' },
    },
    rollingUpdate: true,
  };
}

/** One replica, replaced rather than rolled: its ledger and idempotency keys live in memory. */
function processorWorkload(topology: Topology): Workload {
  return {
    name: 'processor',
    component: 'processor',
    command: commands.processor,
    port: topology.processor.port,
    // Only PROCESSOR_* variables: the processor refuses settings it does not know.
    sharedConfig: false,
    env: [
      ...literal({ PROCESSOR_HOST: '0.0.0.0', PROCESSOR_PORT: String(topology.processor.port) }),
      fromSecret('PROCESSOR_API_KEY'),
    ],
    probes: healthPaths.processor,
    resources: {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    },
    replicas: 1,
    rollingUpdate: false,
  };
}

function shared(): ManifestFile[] {
  const meta = (name: string) => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/part-of': 'stratum' },
  });
  return [
    {
      file: 'namespace.yaml',
      documents: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }],
    },
    {
      file: 'config.yaml',
      note: 'NATS_URL names the managed NATS (JetStream enabled); an overlay sets the real one.',
      documents: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: meta(configMapName),
          data: { ...sharedSettings, NATS_URL: 'nats://nats:4222' },
        },
      ],
    },
    {
      file: 'secret.template.yaml',
      note: [
        `PLACEHOLDERS: every ${placeholder} value must be replaced. This template is not in`,
        'kustomization.yaml, so applying the base never overwrites the real Secret; create',
        'that from this template out of git (or with a secretGenerator in an overlay).',
        'Optional keys: DATABASE_APP_URL, DATABASE_URL_<MODULE> (see docs/deploy.md).',
      ].join('\n'),
      documents: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: meta(secretName),
          type: 'Opaque',
          stringData: {
            STRATUM_SERVICE_SECRET: placeholder,
            DATABASE_URL: placeholder,
            REDIS_URL: placeholder,
            PROCESSOR_API_KEY: placeholder,
          },
        },
      ],
    },
  ];
}

/** deploy/k8s: shared objects, one file per process, and the kustomization that lists them. */
export function kubernetesManifests(topology: Topology): ManifestFile[] {
  const scaled = [
    ...topology.services.map((s) => ({
      w: moduleWorkload(topology, s),
      range: { min: 2, max: 6 },
    })),
    { w: gatewayWorkload(topology), range: { min: 2, max: 10 } },
  ];
  const files: ManifestFile[] = [
    ...shared(),
    ...scaled.map(({ w, range }) => ({
      file: `${w.name}.yaml`,
      documents: [deployment(w), service(w), autoscaler(w, range)],
    })),
  ];
  const processor = processorWorkload(topology);
  files.push({
    file: 'processor.yaml',
    note: 'The sandbox card processor: point PROCESSOR_URL at a real processor in production.',
    documents: [deployment(processor), service(processor)],
  });
  files.push({
    file: 'kustomization.yaml',
    note: 'An overlay sets the image: `kustomize edit set image stratum=<registry>/stratum:<tag>`.',
    documents: [
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: files.map((f) => f.file).filter((f) => f !== 'secret.template.yaml'),
      },
    ],
  });
  return files;
}
