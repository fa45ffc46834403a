/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   the manifests are parsed YAML walked by shape; a missing field fails the assertion reading it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProcessor, loadProcessorConfig } from '@stratum/card-processor';
import {
  envName,
  loadServerConfig,
  moduleDependencies,
  moduleNames,
  type ModuleName,
} from '../apps/server/src/config.ts';
import { loadGatewayConfig } from '../apps/gateway/src/config.ts';
import { generatedMarker, renderDeployFiles } from './lib/files.ts';
import { placeholder } from './lib/kubernetes.ts';
import {
  readTopology,
  topologyProblems,
  type Topology,
} from '../apps/server/src/services/topology.ts';

const topology = readTopology();
const deployFile = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const yamlDocuments = (path: string) =>
  parseAllDocuments(deployFile(path)).map((d) => d.toJS() as Record<string, any>);

type Env = Record<string, string>;

/** Values a real environment would put where the committed files hold placeholders. */
const realValues: Env = {
  STRATUM_SERVICE_SECRET: 'a-service-secret-of-32-characters',
  DATABASE_URL: 'postgres://stratum@db.internal:5432/stratum',
  REDIS_URL: 'rediss://:pw@redis.internal:6380',
  PROCESSOR_API_KEY: 'sk_live_example',
};

/** Compose interpolation: `${NAME:?message}` takes the environment's value, `${NAME:-x}` x. */
function composeEnv(environment: Env): Env {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      value
        .replace(/\$\{(\w+):\?[^}]*\}/g, (_, v: string) => realValues[v] ?? '')
        .replace(/\$\{\w+:-([^}]*)\}/g, (_, fallback: string) => fallback),
    ]),
  );
}

const compose = yamlDocuments('./compose.yaml')[0]!;
const composeService = (name: string) => compose.services[name];

const k8s = readdirSync(new URL('./k8s/', import.meta.url))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => yamlDocuments(`./k8s/${f}`));
const ofKind = (kind: string) => k8s.filter((o) => o.kind === kind);
const deploymentNamed = (name: string) =>
  ofKind('Deployment').find((d) => d.metadata.name === name)!;
const containerOf = (name: string) => deploymentNamed(name).spec.template.spec.containers[0];
const configMap = ofKind('ConfigMap')[0]!;
const secret = ofKind('Secret')[0]!;

/** A container's environment as Kubernetes would assemble it, placeholders replaced or kept. */
function k8sEnv(name: string, replacePlaceholders = true): Env {
  const c = containerOf(name);
  const env: Env = {};
  for (const source of c.envFrom ?? []) {
    const map = ofKind('ConfigMap').find((m) => m.metadata.name === source.configMapRef.name);
    if (!map) throw new Error(`${name} loads a missing ConfigMap ${source.configMapRef.name}`);
    Object.assign(env, map.data);
  }
  for (const v of c.env) {
    if (v.value !== undefined) {
      env[v.name] = v.value;
      continue;
    }
    const ref = v.valueFrom.secretKeyRef;
    expect(ref.name).toBe(secret.metadata.name);
    const value = secret.stringData[ref.key] as string | undefined;
    if (value === undefined && !ref.optional) throw new Error(`${name}: no secret key ${ref.key}`);
    if (value !== undefined) {
      env[v.name] = replacePlaceholders && value === placeholder ? realValues[ref.key]! : value;
    }
  }
  return env;
}

/** What a service must be told about other services, worked out from the dependency table. */
function expectedRemotes(topo: Topology, service: Topology['services'][number]) {
  const needed = new Set<ModuleName>([
    'identity',
    ...service.modules.flatMap((m) => moduleDependencies[m]),
  ]);
  return Object.fromEntries(
    [...needed]
      .filter((m) => !service.modules.includes(m))
      .map((m) => {
        const host = topo.services.find((s) => s.modules.includes(m))!;
        return [`STRATUM_REMOTE_${envName(m)}`, `http://${host.name}:${host.port}`];
      }),
  );
}
const picked = (env: Env, prefix: string) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith(prefix)));

const expectedRoutes = Object.fromEntries(
  moduleNames.map((m) => {
    const host = topology.services.find((s) => s.modules.includes(m))!;
    return [`STRATUM_ROUTE_${envName(m)}`, `http://${host.name}:${host.port}`];
  }),
);

describe('the committed deployment files', () => {
  it('are exactly what deploy/render.ts writes from deploy/topology.json', () => {
    const rendered = renderDeployFiles(topology);
    for (const [path, text] of rendered) {
      expect(existsSync(new URL(path, import.meta.url)), `deploy/${path} is missing`).toBe(true);
      expect(deployFile(path), `deploy/${path} is stale: npm run deploy:render`).toBe(text);
    }
    const generated = readdirSync(new URL('./k8s/', import.meta.url))
      .map((f) => `k8s/${f}`)
      .filter((f) => deployFile(f).includes(generatedMarker));
    expect(generated.sort()).toEqual(
      [...rendered.keys()].filter((p) => p.startsWith('k8s/')).sort(),
    );
  });

  it('list every generated manifest in the kustomization, except the Secret template', () => {
    const [kustomization] = yamlDocuments('./k8s/kustomization.yaml');
    const files = readdirSync(new URL('./k8s/', import.meta.url)).filter(
      (f) => f !== 'kustomization.yaml' && f !== 'secret.template.yaml',
    );
    expect([...kustomization!.resources].sort()).toEqual(files.sort());
  });
});

describe('the topology', () => {
  it('hosts every module in exactly one service, with distinct names and ports', () => {
    expect(topologyProblems(topology)).toEqual([]);
  });

  it('is refused when a module is hosted twice or nowhere, or a port is shared', () => {
    const broken: Topology = {
      ...topology,
      services: [
        { name: 'identity', modules: ['identity', 'catalog'], port: 4101 },
        { name: 'catalog', modules: ['store-ops', 'catalog'], port: 4000 },
      ],
    };
    const problems = topologyProblems(broken).join('\n');
    expect(problems).toMatch(/module catalog is hosted by identity and catalog/);
    expect(problems).toMatch(/module inventory is hosted by no service/);
    expect(problems).toMatch(/port 4000 is used twice/);
  });
});

describe.each(topology.services)('module service $name', (service) => {
  const fromCompose = composeEnv(composeService(service.name).environment as Env);
  const fromK8s = k8sEnv(service.name);

  it('is told where every module it calls but does not host runs', () => {
    const expected = expectedRemotes(topology, service);
    // Identity verifies every token: each service without it must know where it runs.
    if (!service.modules.includes('identity')) {
      expect(expected).toHaveProperty('STRATUM_REMOTE_IDENTITY', expect.any(String));
    }
    expect(picked(fromCompose, 'STRATUM_REMOTE_')).toEqual(expected);
    expect(picked(fromK8s, 'STRATUM_REMOTE_')).toEqual(expected);
  });

  it('starts: its environment passes the server configuration in compose and Kubernetes', () => {
    for (const env of [fromCompose, fromK8s]) {
      const config = loadServerConfig(env);
      expect(config.STRATUM_MODULES).toEqual(
        moduleNames.filter((m) => service.modules.includes(m)),
      );
      expect(config.PORT).toBe(service.port);
      expect(config.NODE_ENV).toBe('production');
      expect(config.HOST).toBe('0.0.0.0');
      // Without PROCESSOR_URL a payments host would run an in-process sandbox processor.
      if (service.modules.includes('payments')) {
        expect(config.PROCESSOR_URL).toBe(`http://processor:${topology.processor.port}`);
      }
    }
  });

  it('refuses to start while the Secret still holds its placeholders', () => {
    expect(() => loadServerConfig(k8sEnv(service.name, false))).toThrow(
      /STRATUM_SERVICE_SECRET[\s\S]*DATABASE_URL/,
    );
  });

  it('listens on its topology port everywhere it is named', () => {
    const c = containerOf(service.name);
    const svc = ofKind('Service').find((s) => s.metadata.name === service.name)!;
    expect(c.ports).toEqual([{ name: 'http', containerPort: service.port }]);
    expect(svc.spec.ports[0].port).toBe(service.port);
    expect(svc.spec.selector).toEqual(deploymentNamed(service.name).spec.selector.matchLabels);
  });
});

describe('the gateway', () => {
  it('routes every module to the service hosting it, in compose and Kubernetes', () => {
    const fromCompose = composeEnv(composeService('gateway').environment as Env);
    const fromK8s = k8sEnv('gateway');
    for (const env of [fromCompose, fromK8s]) {
      expect(picked(env, 'STRATUM_ROUTE_')).toEqual(expectedRoutes);
      expect(env.IDENTITY_URL).toBe(expectedRoutes.STRATUM_ROUTE_IDENTITY);
      expect(env.GATEWAY_PORT).toBe(String(topology.gateway.port));
      expect(env.REDIS_URL).toMatch(/^rediss?:\/\//);
      expect(env.HOST).toBe('0.0.0.0');
      // It starts: the environment passes the gateway's own configuration.
      const config = loadGatewayConfig(env);
      expect(config.GATEWAY_PORT).toBe(topology.gateway.port);
      expect(config.REDIS_URL).toBe(env.REDIS_URL);
    }
    expect(containerOf('gateway').ports[0].containerPort).toBe(topology.gateway.port);
  });
});

describe('the sandbox card processor', () => {
  it('starts with its environment and answers its probe path', async () => {
    const fromCompose = composeEnv(composeService('processor').environment as Env);
    for (const env of [fromCompose, k8sEnv('processor')]) {
      const config = loadProcessorConfig(env);
      expect(config.port).toBe(topology.processor.port);
      expect(config.host).toBe('0.0.0.0');
    }
    const c = containerOf('processor');
    expect(c.readinessProbe.httpGet.path).toBe(c.livenessProbe.httpGet.path);
    const app = buildProcessor();
    const response = await app.inject({ url: c.livenessProbe.httpGet.path });
    await app.close();
    expect(response.statusCode).toBe(200);
  });

  it('shares its api key with the services that take payments', () => {
    const payer = topology.services.find((s) => s.modules.includes('payments'))!;
    expect(k8sEnv(payer.name).PROCESSOR_API_KEY).toBe(k8sEnv('processor').PROCESSOR_API_KEY);
    expect(composeEnv(composeService(payer.name).environment).PROCESSOR_API_KEY).toBe(
      composeEnv(composeService('processor').environment).PROCESSOR_API_KEY,
    );
  });
});

describe('every Kubernetes Deployment', () => {
  const deployments = ofKind('Deployment');
  const names = deployments.map((d) => d.metadata.name as string).sort();

  it('exists for each service, the gateway and the processor', () => {
    expect(names).toEqual([...topology.services.map((s) => s.name), 'gateway', 'processor'].sort());
  });

  it.each(names)('%s has both probes, resource requests and limits, and runs as non-root', (n) => {
    const pod = deploymentNamed(n).spec.template.spec;
    const c = pod.containers[0];
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(probe.httpGet.path).toMatch(/^\/health/);
      expect(probe.httpGet.port).toBe(c.ports[0].name);
    }
    if (n !== 'processor') {
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
    }
    expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    // Service links would set GATEWAY_PORT=tcp://… and PROCESSOR_* variables.
    expect(pod.enableServiceLinks).toBe(false);
  });

  it.each(names.filter((n) => n !== 'processor'))(
    '%s is given time to drain, finish requests and flush the outbox before SIGKILL',
    (n) => {
      const env = k8sEnv(n);
      const relayDrainMs = 5_000;
      const needed =
        Number(env.SHUTDOWN_DRAIN_DELAY_MS) + Number(env.SHUTDOWN_TIMEOUT_MS) + relayDrainMs;
      expect(Number.isFinite(needed)).toBe(true);
      const grace = deploymentNamed(n).spec.template.spec.terminationGracePeriodSeconds as number;
      expect(grace * 1000).toBeGreaterThan(needed);
      expect(composeService(n).stop_grace_period).toBe(`${grace}s`);
    },
  );
});

describe('the autoscalers', () => {
  const autoscalers = ofKind('HorizontalPodAutoscaler');

  it('target only existing Deployments, which leave their replica count to them', () => {
    for (const hpa of autoscalers) {
      const target = hpa.spec.scaleTargetRef;
      expect(target.kind).toBe('Deployment');
      const scaled = deploymentNamed(target.name as string);
      expect(scaled, `HPA ${hpa.metadata.name} targets a missing Deployment`).toBeDefined();
      expect(scaled.spec.replicas).toBeUndefined();
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    }
  });

  it('scale the gateway and every module service, never the in-memory processor', () => {
    const targets = autoscalers.map((h) => h.spec.scaleTargetRef.name as string).sort();
    expect(targets).toEqual([...topology.services.map((s) => s.name), 'gateway'].sort());
    expect(deploymentNamed('processor').spec.replicas).toBe(1);
  });
});

describe('the compose file', () => {
  it('starts each process after the healthy services it depends on', () => {
    for (const [name, svc] of Object.entries(compose.services as Record<string, any>)) {
      expect(svc.healthcheck?.test, `${name} has no health check`).toBeDefined();
      for (const [dependency, rule] of Object.entries(svc.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(rule).toEqual({ condition: 'service_healthy' });
      }
    }
    expect(Object.keys(composeService('gateway').depends_on)).toEqual(
      expect.arrayContaining(topology.services.map((s) => s.name)),
    );
  });

  it('runs NATS with JetStream and PostgreSQL 15', () => {
    expect(composeService('nats').command).toContain('-js');
    expect(composeService('postgres').image).toBe('postgres:15');
    expect(composeService('redis').image).toBe('redis:7');
  });

  it('will not start without a service secret', () => {
    for (const s of topology.services) {
      expect(composeService(s.name).environment.STRATUM_SERVICE_SECRET).toMatch(
        /^\$\{STRATUM_SERVICE_SECRET:\?/,
      );
    }
    expect(configMap.data).not.toHaveProperty('STRATUM_SERVICE_SECRET');
  });
});
