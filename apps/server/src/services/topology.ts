import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envName, moduleDependencies, moduleNames, type ModuleName } from '../config.ts';

const port = z.number().int().min(1).max(65_535);
const dnsLabel = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/, 'must be a DNS label (lower case, at most 32)');

/** deploy/topology.json: which modules each `apps/server` process hosts, and the ports. */
export const topologySchema = z.object({
  $comment: z.string().optional(),
  gateway: z.object({ port }),
  processor: z.object({ port }),
  services: z
    .array(
      z.object({
        name: dnsLabel,
        modules: z.array(z.enum(moduleNames)).min(1),
        port,
      }),
    )
    .min(1),
});
export type Topology = z.output<typeof topologySchema>;
export type ServiceSpec = Topology['services'][number];

export const topologyPath = new URL('../../../../deploy/topology.json', import.meta.url);

export function readTopology(path: URL | string = topologyPath): Topology {
  return topologySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Names the manifests give to the processes that are not module services. */
export const fixedNames = ['gateway', 'processor', 'postgres', 'redis', 'nats'] as const;

/**
 * What would make the generated files describe a cluster that cannot work:
 * a module hosted twice or nowhere, clashing names or ports.
 */
export function topologyProblems(topology: Topology): string[] {
  const problems: string[] = [];
  for (const module of moduleNames) {
    const hosts = topology.services.filter((s) => s.modules.includes(module));
    if (hosts.length !== 1) {
      problems.push(
        `module ${module} is hosted by ${hosts.length === 0 ? 'no service' : hosts.map((s) => s.name).join(' and ')}; it needs exactly one`,
      );
    }
  }
  const names = [...fixedNames, ...topology.services.map((s) => s.name)];
  for (const name of new Set(names)) {
    if (names.filter((n) => n === name).length > 1) problems.push(`name ${name} is used twice`);
  }
  const ports = [
    topology.gateway.port,
    topology.processor.port,
    ...topology.services.map((s) => s.port),
  ];
  for (const p of new Set(ports)) {
    if (ports.filter((q) => q === p).length > 1) problems.push(`port ${p} is used twice`);
  }
  return problems;
}

/** The service hosting `module`; the topology must have passed `topologyProblems`. */
export function hostOf(topology: Topology, module: ModuleName): ServiceSpec {
  const host = topology.services.find((s) => s.modules.includes(module));
  if (!host) throw new Error(`No service hosts the ${module} module`);
  return host;
}

/** The in-cluster address of a service: compose and Kubernetes both resolve the bare name. */
export const serviceUrl = (service: { name: string; port: number }) =>
  `http://${service.name}:${service.port}`;

/**
 * Modules a service calls but does not host: its modules' dependencies, plus
 * identity, which every process needs to verify tokens and buy service tokens.
 */
export function remoteModules(service: ServiceSpec): ModuleName[] {
  const needed = new Set<ModuleName>(['identity']);
  for (const m of service.modules) for (const d of moduleDependencies[m]) needed.add(d);
  return moduleNames.filter((m) => needed.has(m) && !service.modules.includes(m));
}

/** `STRATUM_REMOTE_<MODULE>` for every module a service calls on another service. */
export function remoteEnvironment(topology: Topology, service: ServiceSpec) {
  return Object.fromEntries(
    remoteModules(service).map((m) => [
      `STRATUM_REMOTE_${envName(m)}`,
      serviceUrl(hostOf(topology, m)),
    ]),
  );
}

/** `STRATUM_ROUTE_<MODULE>` for every module: the gateway's routing table. */
export function routeEnvironment(topology: Topology) {
  return Object.fromEntries(
    moduleNames.map((m) => [`STRATUM_ROUTE_${envName(m)}`, serviceUrl(hostOf(topology, m))]),
  );
}

export const hostsPayments = (service: ServiceSpec) => service.modules.includes('payments');
