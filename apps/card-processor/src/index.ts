export { buildProcessor, type ProcessorOptions } from './server.ts';
export { loadProcessorConfig, ConfigError, defaultApiKey, type ProcessorConfig } from './config.ts';
export type { FaultSettings, FaultPatch, FaultCounts } from './faults.ts';
export type { Payment, PaymentStatus } from './payments.ts';
export type { ProcessorStats } from './stats.ts';
export type { ErrorBody, ErrorCode } from './errors.ts';
export { approvedTestCard, decliningCards, type DeclineCode } from './cards.ts';
