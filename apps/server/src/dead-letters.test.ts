import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '@stratum/platform';
import { formatTable, main, parseDlqArgs } from './dead-letters.ts';

describe('parseDlqArgs', () => {
  it('reads a list with its filters', () => {
    expect(parseDlqArgs(['list', '--consumer', 'store-ops_x', '--limit', '5', '--json'])).toEqual({
      kind: 'list',
      consumer: 'store-ops_x',
      limit: 5,
      json: true,
    });
    expect(parseDlqArgs(['list'])).toEqual({
      kind: 'list',
      consumer: undefined,
      limit: 100,
      json: false,
    });
  });

  it('reads a replay of sequences or of everything', () => {
    expect(parseDlqArgs(['replay', '3', '7'])).toMatchObject({ kind: 'replay', seqs: [3, 7] });
    expect(parseDlqArgs(['replay', '--all', '--consumer', 'c'])).toMatchObject({
      kind: 'replay',
      seqs: 'all',
      consumer: 'c',
    });
  });

  it.each([
    [[], /Missing command/],
    [['purge'], /Unknown command: purge/],
    [['list', '--limit', '0'], /--limit must be a positive integer: 0/],
    [['list', '--limit', 'ten'], /--limit must be a positive integer/],
    [['list', 'extra'], /list takes no arguments/],
    [['replay'], /needs sequences or --all/],
    [['replay', '1', '--all'], /not both/],
    [['replay', '1.5'], /sequence must be a positive integer: 1.5/],
    [['replay', '--limit', '3', '1'], /--limit belongs to list/],
    [['list', '--verbose'], /Unknown option '--verbose'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDlqArgs(argv)).toThrow(message);
  });
});

describe('formatTable', () => {
  const letter: DeadLetter = {
    seq: 12,
    consumer: 'store-ops_on-ordering-checkout-completed',
    stream: 'EVENTS_ORDERING',
    subject: 'ordering.checkout-completed.t1',
    envelope: {
      id: '0190-e',
      type: 'ordering.checkout-completed',
      version: 1,
      tenantId: 't1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c',
      causationId: null,
      traceparent: null,
      payload: {},
    },
    error: 'drawer is closed',
    attempts: 5,
    failedAt: '2026-01-01T00:01:00.000Z',
  };

  it('prints one aligned row per dead letter under a header', () => {
    const lines = formatTable([letter, { ...letter, seq: 3, envelope: null }]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^SEQ\s+FAILED AT\s+CONSUMER\s+TYPE\s+TENANT\s+EVENT ID\s+ATTEMPTS\s+ERROR$/,
    );
    expect(lines[1]).toContain('ordering.checkout-completed');
    expect(lines[1]).toMatch(/drawer is closed$/);
    expect(lines[2]).toContain('(not an envelope)');
    expect(lines[1]!.indexOf('drawer')).toBe(lines[2]!.indexOf('drawer'));
  });

  it('says so when there is nothing', () => {
    expect(formatTable([])).toBe('No dead letters.');
  });
});

describe('main', () => {
  it('exits 2 with the usage on a bad command line', async () => {
    const errors: string[] = [];
    const code = await main(
      ['replay'],
      {},
      () => {},
      (t) => errors.push(t),
    );
    expect(code).toBe(2);
    expect(errors.join('')).toMatch(/replay needs sequences or --all[\s\S]*Usage:/);
  });

  it('prints the usage for --help', async () => {
    const out: string[] = [];
    expect(
      await main(
        ['--help'],
        {},
        (t) => out.push(t),
        () => {},
      ),
    ).toBe(0);
    expect(out.join('')).toContain('npm run dlq -- list');
  });
});
