import { gracePeriodSeconds, imageName } from './settings.ts';

export const namespace = 'stratum';
export const configMapName = 'stratum-config';
export const secretName = 'stratum-secrets';

export type EnvVar =
  | { name: string; value: string }
  | {
      name: string;
      valueFrom: { secretKeyRef: { name: string; key: string; optional?: boolean } };
    };

export interface Workload {
  name: string;
  component: 'module-service' | 'gateway' | 'processor';
  command: readonly string[];
  port: number;
  env: EnvVar[];
  /** Whether the shared ConfigMap is loaded into the environment. */
  sharedConfig: boolean;
  probes: { live: string; ready: string };
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  /** Fixed replica count; unset: the HorizontalPodAutoscaler decides. */
  replicas?: number;
  /** Whether two versions of the pod may run side by side during a rollout. */
  rollingUpdate: boolean;
}

export const literal = (env: Record<string, string>): EnvVar[] =>
  Object.entries(env).map(([name, value]) => ({ name, value }));
export const fromSecret = (name: string, optional = false): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secretName, key: name, ...(optional && { optional }) } },
});

const labels = (w: Workload) => ({
  'app.kubernetes.io/name': w.name,
  'app.kubernetes.io/component': w.component,
  'app.kubernetes.io/part-of': 'stratum',
});
const metadata = (w: Workload) => ({ name: w.name, namespace, labels: labels(w) });
const httpGet = (path: string) => ({ httpGet: { path, port: 'http' } });

function container(w: Workload) {
  return {
    name: w.name,
    image: imageName,
    command: [...w.command],
    ports: [{ name: 'http', containerPort: w.port }],
    ...(w.sharedConfig && { envFrom: [{ configMapRef: { name: configMapName } }] }),
    env: w.env,
    // Start-up transpiles the TypeScript and applies migrations: give it time once.
    startupProbe: { ...httpGet(w.probes.live), periodSeconds: 2, failureThreshold: 60 },
    readinessProbe: { ...httpGet(w.probes.ready), periodSeconds: 5, timeoutSeconds: 3 },
    livenessProbe: {
      ...httpGet(w.probes.live),
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    resources: w.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    // The root file system is read-only; the temporary directory stays writable.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

export function deployment(w: Workload) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(w),
    spec: {
      ...(w.replicas !== undefined && { replicas: w.replicas }),
      selector: { matchLabels: { 'app.kubernetes.io/name': w.name } },
      strategy: w.rollingUpdate
        ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }
        : { type: 'Recreate' },
      template: {
        metadata: { labels: labels(w) },
        spec: {
          // Service links would inject GATEWAY_PORT=tcp://… and PROCESSOR_*
          // variables that collide with the processes' own settings.
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: gracePeriodSeconds,
          securityContext: {
            runAsNonRoot: true,
            // The `node` user of the node:20 image.
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(w)],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
}

export function service(w: Workload) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(w),
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': w.name },
      ports: [{ name: 'http', port: w.port, targetPort: 'http' }],
    },
  };
}

export function autoscaler(w: Workload, range: { min: number; max: number }) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(w),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
      minReplicas: range.min,
      maxReplicas: range.max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}
