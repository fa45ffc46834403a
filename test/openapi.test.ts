import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '@stratum/server';
import { startTestServer, type TestServer } from '@stratum/testing';

describe('the OpenAPI document', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { startRelay: false });
  });
  afterAll(() => t?.close());

  it('is committed as generated, so docs/openapi.json matches the code (run `npm run openapi`)', () => {
    const committed = readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(openapiDocument(t.server));
  });

  it('describes every /api route with its request schema and bearer security', () => {
    const doc = t.server.app.swagger() as {
      paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
    };
    const users = doc.paths['/api/v1/identity/users']!;
    expect(users['post']!.security).toEqual([{ bearerAuth: [] }]);
    expect(users['post']!.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/identity/auth/login']!['post']!.security).toBeUndefined();
  });

  it('describes error answers as problem documents, and every reference resolves', () => {
    const doc = t.server.app.swagger() as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const login = doc.paths['/api/v1/identity/auth/login']!['post']!.responses;
    expect(JSON.stringify(login['4XX'])).toContain('#/components/schemas/Problem');
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !(name in doc.components.schemas))).toEqual([]);
  });
});
