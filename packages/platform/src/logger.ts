import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentContext } from './context.ts';

export type { Logger } from 'pino';

/**
 * Paths that carry secrets. pino removes them before a line is written, so a
 * password, PIN or token never reaches a log sink, whatever the call site logs.
 */
export const redactedPaths = [
  'password',
  'pin',
  'token',
  'accessToken',
  'refreshToken',
  'deviceToken',
  'secret',
  '*.password',
  '*.pin',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.deviceToken',
  '*.secret',
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-device-token"]',
  'res.headers["set-cookie"]',
];

export interface LoggerSettings {
  level?: string;
  name?: string;
  destination?: DestinationStream;
}

/**
 * JSON logger whose every line carries the request id, trace id, tenant and
 * module of the async context it is written from.
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.name ?? 'stratum' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentContext();
      if (!ctx) return {};
      return {
        requestId: ctx.requestId,
        ...(ctx.traceId && { traceId: ctx.traceId }),
        ...(ctx.tenantId && { tenantId: ctx.tenantId }),
        ...(ctx.module && { module: ctx.module }),
      };
    },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
