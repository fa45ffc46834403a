export * from './call-policy.ts';
export * from './failures.ts';
