import { describe, expect, it } from 'vitest';
import { etagMatches, pickEncoding } from './menu-routes.ts';

describe('If-None-Match against the menu’s tag', () => {
  const tag = '"7-abc"';

  it('matches the tag itself, its weak form, a list holding it, and *', () => {
    expect(etagMatches('"7-abc"', tag)).toBe(true);
    expect(etagMatches('W/"7-abc"', tag)).toBe(true);
    expect(etagMatches('"6-old", "7-abc"', tag)).toBe(true);
    expect(etagMatches('*', tag)).toBe(true);
  });

  it('does not match an absent header or another version’s tag', () => {
    expect(etagMatches(undefined, tag)).toBe(false);
    expect(etagMatches('"6-abc"', tag)).toBe(false);
    expect(etagMatches('"7-abc', tag)).toBe(false);
  });
});

describe('the content coding of a menu response', () => {
  it('prefers brotli, then gzip, among the codings the client accepts', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('deflate')).toBeUndefined();
    expect(pickEncoding(undefined)).toBeUndefined();
  });

  it('honours q=0 as a refusal and * as any coding not named', () => {
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('br;q=0, *')).toBe('gzip');
    expect(pickEncoding('*;q=0')).toBeUndefined();
    expect(pickEncoding('BR; Q=1')).toBe('br');
  });
});
