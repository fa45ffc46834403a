import { describe, expect, it } from 'vitest';
import { captureLogs } from '@stratum/testing';
import { enrichContext, runWithContext, withContext } from './context.ts';

const secrets = {
  password: 'hunter2-password',
  pin: '4711',
  token: 'tok-plain-secret',
  accessToken: 'eyJ.access.secret',
  refreshToken: 'rt_refresh_secret',
  deviceToken: 'dv_device_secret',
  secret: 'shh-secret-value',
};

describe('createLogger', () => {
  it('writes one JSON line with level label, service name, time and message', () => {
    const logs = captureLogs('info');

    logs.logger.info({ orderId: 'o-1' }, 'order placed');

    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'stratum',
        msg: 'order placed',
        orderId: 'o-1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });

  it('drops lines below the configured level', () => {
    const logs = captureLogs('warn');

    logs.logger.info('ignored');
    logs.logger.warn('kept');

    expect(logs.lines().map((l) => l['msg'])).toEqual(['kept']);
  });

  it('adds requestId, traceId, tenantId and module to a line written inside runWithContext', () => {
    const logs = captureLogs('info');
    const ctx = {
      requestId: 'req-1',
      traceId: 'trace-1',
      tenantId: 'tenant-1',
      module: 'ordering',
    };

    runWithContext(ctx, () => logs.logger.info('inside'));

    expect(logs.lines()[0]).toMatchObject(ctx);
  });

  it('keeps the context across awaits inside runWithContext', async () => {
    const logs = captureLogs('info');

    await runWithContext({ requestId: 'req-async', tenantId: 't-async' }, async () => {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      logs.logger.info('after awaits');
    });

    expect(logs.lines()[0]).toMatchObject({ requestId: 'req-async', tenantId: 't-async' });
  });

  it('adds no context fields to a line written outside any context', () => {
    const logs = captureLogs('info');

    logs.logger.info('outside');

    const line = logs.lines()[0];
    expect(line).not.toHaveProperty('requestId');
    expect(line).not.toHaveProperty('traceId');
    expect(line).not.toHaveProperty('tenantId');
    expect(line).not.toHaveProperty('module');
  });

  it('leaves out context fields that are not set', () => {
    const logs = captureLogs('info');

    runWithContext({ requestId: 'req-2' }, () => logs.logger.info('partial'));

    const line = logs.lines()[0];
    expect(line).toMatchObject({ requestId: 'req-2' });
    expect(line).not.toHaveProperty('traceId');
    expect(line).not.toHaveProperty('tenantId');
    expect(line).not.toHaveProperty('module');
  });

  it('picks up fields added to the context after it started, and those of a nested context', () => {
    const logs = captureLogs('info');

    runWithContext({ requestId: 'req-3' }, () => {
      enrichContext({ tenantId: 'tenant-3' });
      logs.logger.info('enriched');
      withContext({ module: 'inventory' }, () => logs.logger.info('nested'));
      logs.logger.info('back');
    });

    const [enriched, nested, back] = logs.lines();
    expect(enriched).toMatchObject({ requestId: 'req-3', tenantId: 'tenant-3' });
    expect(nested).toMatchObject({ requestId: 'req-3', tenantId: 'tenant-3', module: 'inventory' });
    expect(back).not.toHaveProperty('module');
  });

  it('keeps the contexts of concurrent units of work apart', async () => {
    const logs = captureLogs('info');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));

    const a = runWithContext({ requestId: 'req-a', tenantId: 'tenant-a' }, async () => {
      await gate;
      logs.logger.info('a');
    });
    const b = runWithContext({ requestId: 'req-b', tenantId: 'tenant-b' }, async () => {
      await gate;
      logs.logger.info('b');
    });
    release();
    await Promise.all([a, b]);

    const byMsg = Object.fromEntries(logs.lines().map((l) => [l['msg'], l]));
    expect(byMsg['a']).toMatchObject({ requestId: 'req-a', tenantId: 'tenant-a' });
    expect(byMsg['b']).toMatchObject({ requestId: 'req-b', tenantId: 'tenant-b' });
  });

  it('never writes a secret logged at the top level', () => {
    const logs = captureLogs('info');

    logs.logger.info({ ...secrets, email: 'ann@shop.test' }, 'login attempt');

    const line = logs.lines()[0];
    for (const [field, value] of Object.entries(secrets)) {
      expect(line?.[field]).toBe('[redacted]');
      expect(logs.text()).not.toContain(value);
    }
    expect(line?.['email']).toBe('ann@shop.test');
  });

  it('never writes a secret nested one level down', () => {
    const logs = captureLogs('info');

    logs.logger.info({ body: { ...secrets, name: 'Ann' } }, 'request body');

    const body = logs.lines()[0]?.['body'] as Record<string, unknown>;
    for (const [field, value] of Object.entries(secrets)) {
      expect(body[field]).toBe('[redacted]');
      expect(logs.text()).not.toContain(value);
    }
    expect(body['name']).toBe('Ann');
  });

  it('never writes the authorization or cookie header of a logged request', () => {
    const logs = captureLogs('info');

    logs.logger.info(
      {
        req: {
          method: 'GET',
          headers: {
            authorization: 'Bearer eyJ.header.secret',
            cookie: 'session=cookie-secret',
            'x-device-token': 'device-header-secret',
            accept: 'application/json',
          },
        },
        res: { headers: { 'set-cookie': 'session=set-cookie-secret' } },
      },
      'incoming',
    );

    const text = logs.text();
    for (const value of ['eyJ.header.secret', 'cookie-secret', 'device-header-secret']) {
      expect(text).not.toContain(value);
    }
    const req = logs.lines()[0]?.['req'] as { headers: Record<string, unknown> };
    expect(req.headers['authorization']).toBe('[redacted]');
    expect(req.headers['accept']).toBe('application/json');
  });

  it('never writes an authorization value logged at the top level or one level down', () => {
    const logs = captureLogs('info');

    logs.logger.info(
      {
        authorization: 'Bearer top-level-secret',
        upstream: { authorization: 'Bearer nested-secret' },
      },
      'calling upstream',
    );

    expect(logs.lines()[0]).toMatchObject({
      authorization: '[redacted]',
      upstream: { authorization: '[redacted]' },
    });
    expect(logs.text()).not.toContain('top-level-secret');
    expect(logs.text()).not.toContain('nested-secret');
  });

  it('never writes the authorization header of logged headers, bare or inside any object', () => {
    const logs = captureLogs('info');

    logs.logger.info(
      {
        headers: { authorization: 'Bearer bare-headers-secret', accept: 'application/json' },
        request: { headers: { authorization: 'Bearer request-headers-secret' } },
        outgoing: { headers: { authorization: 'Bearer outgoing-headers-secret' } },
      },
      'headers',
    );

    expect(logs.lines()[0]).toMatchObject({
      headers: { authorization: '[redacted]', accept: 'application/json' },
      request: { headers: { authorization: '[redacted]' } },
      outgoing: { headers: { authorization: '[redacted]' } },
    });
    for (const value of [
      'bare-headers-secret',
      'request-headers-secret',
      'outgoing-headers-secret',
    ]) {
      expect(logs.text()).not.toContain(value);
    }
  });

  it('redacts secrets without changing the object the caller logged', () => {
    const logs = captureLogs('info');
    const payload = { body: { password: 'still-here' } };

    logs.logger.info(payload, 'logged');

    expect(payload.body.password).toBe('still-here');
    expect(logs.text()).not.toContain('still-here');
  });

  it('redacts secrets in the bindings of a child logger', () => {
    const logs = captureLogs('info');

    logs.logger.child({ token: 'child-binding-secret' }).info('from child');

    expect(logs.text()).not.toContain('child-binding-secret');
  });
});
