export * from './contract.ts';
export * from './server.ts';
export * from './client.ts';
export * from './service-tokens.ts';
