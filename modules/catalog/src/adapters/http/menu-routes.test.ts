import { describe, expect, it } from 'vitest';
import type { SerializedMenu } from '../../contract.ts';
import { etagMatches, menuAnswer, pickEncoding } from './menu-routes.ts';

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

describe('the answer to a menu request', () => {
  const menu: SerializedMenu = {
    etag: '"7-abc"',
    json: '{}',
    body: Buffer.from('{}'),
    br: Buffer.from('br bytes'),
    gzip: Buffer.from('gzip bytes'),
  };

  it('sends the bytes for the accepted coding, under the weak tag when compressed', () => {
    expect(menuAnswer({}, menu)).toMatchObject({
      status: 200,
      body: menu.body,
      headers: { etag: '"7-abc"', vary: 'accept-encoding' },
    });
    expect(menuAnswer({}, menu).headers).not.toHaveProperty('content-encoding');
    for (const coding of ['br', 'gzip'] as const) {
      expect(menuAnswer({ 'accept-encoding': coding }, menu)).toMatchObject({
        status: 200,
        body: menu[coding],
        headers: { etag: 'W/"7-abc"', 'content-encoding': coding },
      });
    }
  });

  it('answers a matching tag with 304 and no body, in the form the client holds', () => {
    const strong = menuAnswer({ 'if-none-match': '"7-abc"' }, menu);
    expect(strong).toMatchObject({ status: 304, headers: { etag: '"7-abc"' } });
    expect(strong.body).toBeUndefined();
    const weak = menuAnswer({ 'if-none-match': 'W/"7-abc"', 'accept-encoding': 'gzip' }, menu);
    expect(weak).toMatchObject({ status: 304, headers: { etag: 'W/"7-abc"' } });
    expect(menuAnswer({ 'if-none-match': '"6-old"' }, menu).status).toBe(200);
  });

  it('makes each answer once per menu and a new set for a new menu', () => {
    const first = menuAnswer({ 'accept-encoding': 'br' }, menu);
    expect(menuAnswer({ 'accept-encoding': 'br' }, menu)).toBe(first);
    const next = { ...menu, etag: '"8-def"' };
    expect(menuAnswer({ 'accept-encoding': 'br' }, next).headers.etag).toBe('W/"8-def"');
  });
});

describe('Accept-Encoding values seen before', () => {
  it('gives the same coding the second time, and past the bound on remembered values', () => {
    for (let i = 0; i < 100; i += 1) {
      const header = i % 2 === 0 ? `gzip;q=0.${i + 1}, x-${i}` : `x-${i}, br;q=0`;
      const expected = i % 2 === 0 ? 'gzip' : undefined;
      expect(pickEncoding(header)).toBe(expected);
      expect(pickEncoding(header)).toBe(expected);
    }
  });
});
