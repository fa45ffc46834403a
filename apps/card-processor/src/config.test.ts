import { describe, expect, it } from 'vitest';
import { ConfigError, loadProcessorConfig } from './config.ts';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadProcessorConfig', () => {
  it('listens on 127.0.0.1:4010 with the sandbox key and no faults by default', () => {
    expect(loadProcessorConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4010,
      apiKey: 'sk_sandbox_stratum',
      faults: {},
    });
  });

  it('reads every variable', () => {
    const config = loadProcessorConfig({
      PROCESSOR_PORT: '0',
      PROCESSOR_HOST: '0.0.0.0',
      PROCESSOR_API_KEY: 'sk_test_other',
      PROCESSOR_LATENCY_MS: '25',
      PROCESSOR_ERROR_RATE: '0.1',
      PROCESSOR_TIMEOUT_RATE: '.05',
      PROCESSOR_LOST_RESPONSE_RATE: '1',
      PROCESSOR_SEED: '-12',
    });

    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      apiKey: 'sk_test_other',
      faults: {
        latencyMs: 25,
        errorRate: 0.1,
        timeoutRate: 0.05,
        lostResponseRate: 1,
        seed: -12,
      },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadProcessorConfig({ PROCESSOR_PORT: '', PROCESSOR_ERROR_RATE: ' ' }).port).toBe(4010);
  });

  it('ignores variables that are not its own', () => {
    expect(loadProcessorConfig({ PORT: 'not a port', PATH: '/usr/bin' }).port).toBe(4010);
  });

  it('lists every bad variable at once, with the value it got', () => {
    const error = configErrorOf(() =>
      loadProcessorConfig({
        PROCESSOR_PORT: '70000',
        PROCESSOR_ERROR_RATE: '1.5',
        PROCESSOR_TIMEOUT_RATE: 'often',
        PROCESSOR_LATENCY_MS: '1e3',
        PROCESSOR_SEED: '4.2',
        PROCESSOR_API_KEY: 'sk with spaces',
      }),
    );

    expect(error.issues.map((issue) => issue.split(':')[0])).toEqual([
      'PROCESSOR_PORT',
      'PROCESSOR_API_KEY',
      'PROCESSOR_LATENCY_MS',
      'PROCESSOR_ERROR_RATE',
      'PROCESSOR_TIMEOUT_RATE',
      'PROCESSOR_SEED',
    ]);
    expect(error.message).toContain('PROCESSOR_PORT: must be a port number');
    expect(error.message).toContain('(got "70000")');
  });

  it('refuses a misspelt PROCESSOR_ variable instead of ignoring it', () => {
    const error = configErrorOf(() => loadProcessorConfig({ PROCESSOR_ERRORRATE: '1' }));

    expect(error.issues).toEqual(['PROCESSOR_ERRORRATE: is not a card processor setting']);
  });
});
