import { describe, expect, it } from 'vitest';
import { currentContext, enrichContext, runWithContext, withContext } from './context.ts';

describe('request context', () => {
  it('is absent outside runWithContext', () => {
    expect(currentContext()).toBeUndefined();
  });

  it('is the given context inside runWithContext, and returns the function’s result', () => {
    const ctx = { requestId: 'req-1', tenantId: 't-1' };

    const result = runWithContext(ctx, () => currentContext());

    expect(result).toBe(ctx);
    expect(currentContext()).toBeUndefined();
  });

  it('follows the async call chain across awaits and timers', async () => {
    const seen = await runWithContext({ requestId: 'req-async' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return new Promise<string | undefined>((resolve) =>
        setTimeout(() => resolve(currentContext()?.requestId), 0),
      );
    });

    expect(seen).toBe('req-async');
  });

  it('adds fields to the current context with enrichContext', () => {
    runWithContext({ requestId: 'req-2' }, () => {
      enrichContext({ tenantId: 't-2', module: 'catalog' });

      expect(currentContext()).toEqual({ requestId: 'req-2', tenantId: 't-2', module: 'catalog' });
    });
  });

  it('ignores enrichContext outside any context', () => {
    enrichContext({ tenantId: 't-lost' });

    expect(currentContext()).toBeUndefined();
  });

  it('runs withContext in a copy, leaving the outer context unchanged', () => {
    runWithContext({ requestId: 'req-3', tenantId: 't-3' }, () => {
      const inner = withContext({ module: 'inventory', causationId: 'evt-1' }, () => {
        enrichContext({ correlationId: 'corr-1' });
        return currentContext();
      });

      expect(inner).toEqual({
        requestId: 'req-3',
        tenantId: 't-3',
        module: 'inventory',
        causationId: 'evt-1',
        correlationId: 'corr-1',
      });
      expect(currentContext()).toEqual({ requestId: 'req-3', tenantId: 't-3' });
    });
  });

  it('starts an internal context when withContext runs outside any request', () => {
    expect(withContext({ tenantId: 't-4' }, () => currentContext())).toEqual({
      requestId: 'internal',
      tenantId: 't-4',
    });
    expect(withContext({ requestId: 'job-7' }, () => currentContext()?.requestId)).toBe('job-7');
  });
});
