import { builtCommand } from '../built.ts';

/** How every Stratum process is started inside the image (see deploy/Dockerfile). */
export const commands = {
  // The compiled build (ADR 0023) run by `node` itself, not `npm start`: one process,
  // which receives SIGTERM itself instead of through npm.
  server: ['node', ...builtCommand('server', 'dist')],
  gateway: ['node', ...builtCommand('gateway', 'dist')],
  processor: ['node', ...builtCommand('card-processor', 'dist')],
} as const;

/** Health routes: the platform's pair on servers and the gateway; the sandbox processor has one. */
export const healthPaths = {
  server: { live: '/health/live', ready: '/health/ready' },
  gateway: { live: '/health/live', ready: '/health/ready' },
  processor: { live: '/health', ready: '/health' },
} as const;

/**
 * Shutdown timing. The drain delay keeps a process up but unready while the
 * load balancer or kube-proxy stops sending it requests; then in-flight
 * requests get the timeout; then the outbox relay drains (5 s budget) and
 * pools close.
 */
export const shutdown = { drainDelayMs: 5_000, timeoutMs: 10_000, afterCloseMs: 10_000 } as const;

/** Time an orchestrator waits after SIGTERM before SIGKILL: the whole sequence above. */
export const gracePeriodSeconds = Math.ceil(
  (shutdown.drainDelayMs + shutdown.timeoutMs + shutdown.afterCloseMs) / 1000,
);

/** Settings every server and the gateway share (the ConfigMap in Kubernetes). */
export const sharedSettings: Record<string, string> = {
  NODE_ENV: 'production',
  // Inside a container the loopback default would refuse every other container.
  HOST: '0.0.0.0',
  LOG_LEVEL: 'info',
  TOKEN_ISSUER: 'stratum',
  TOKEN_AUDIENCE: 'stratum-api',
  SHUTDOWN_TIMEOUT_MS: String(shutdown.timeoutMs),
  SHUTDOWN_DRAIN_DELAY_MS: String(shutdown.drainDelayMs),
  // Requests arrive through the gateway (and an ingress in front of it), both on
  // private addresses: the client's address is the last public hop they forwarded.
  TRUST_PROXY: 'loopback,uniquelocal',
};

/** The sandbox processor's only key, unless an environment sets another. */
export const sandboxApiKey = 'sk_sandbox_stratum';

/** The image every process runs; deploy/k8s/kustomization.yaml maps it to a registry tag. */
export const imageName = 'stratum';
