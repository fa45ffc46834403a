export * from './postgres.ts';
export * from './logs.ts';
export * from './server.ts';
export * from './api.ts';
export * from './http.ts';
export * from './card-processor.ts';
export * from './otlp-receiver.ts';
export * from './socket-writes.ts';
