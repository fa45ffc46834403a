import { describe, expect, it } from 'vitest';
import { commandOptions, ifMatchHeaders } from './shared.ts';

describe('If-Match on order commands', () => {
  it('reads the order’s version from its ETag, strong or weak, quoted or not', () => {
    expect(commandOptions({ 'if-match': '"7"' })).toEqual({ expectedVersion: 7 });
    expect(commandOptions({ 'if-match': 'W/"12"' })).toEqual({ expectedVersion: 12 });
    expect(commandOptions({ 'if-match': '3' })).toEqual({ expectedVersion: 3 });
    expect(commandOptions({})).toEqual({});
  });

  it('accepts only a version, and keeps the other headers', () => {
    expect(ifMatchHeaders.safeParse({ 'if-match': '"*"' }).success).toBe(false);
    expect(ifMatchHeaders.parse({ authorization: 'Bearer x', 'if-match': '"2"' })).toEqual({
      authorization: 'Bearer x',
      'if-match': '"2"',
    });
  });
});
