import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../client/api/client.ts';
import { API_ANSWERS } from '../../server/schemas/api.ts';
import type { Role } from '../../server/store/account-store.ts';
import { type DemoApp, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: DemoApp;
/** The session the client's fetch sends, as a browser's cookie jar would. */
let signedInAs: Role = 'admin';
const realFetch = globalThis.fetch;

beforeAll(async () => {
  ctx = await demoApp(600);
  // The client's fetchers run as they do in the browser, against the real app (no network).
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const res = await ctx.app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url,
      headers: { ...(init?.headers as Record<string, string>), ...ctx.as[signedInAs], origin: ORIGIN },
      payload: init?.body as string | undefined,
    });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  }) as typeof fetch;
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await ctx?.close();
});

/** The OpenAPI document's success schema of a route, as the server publishes it. */
function documented(doc: Record<string, unknown>, key: string): unknown {
  const [method, path] = key.split(' ');
  const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  const op = paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
  if (!op) return undefined;
  const success = op.responses['200'] ?? op.responses['201'] ?? op.responses['204'];
  return success?.content?.['application/json']?.schema ?? null;
}

describe('the API contract (server/schemas/api.ts)', () => {
  it("names each route's own success schema, as the OpenAPI document publishes it", async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const refDoc = JSON.parse(JSON.stringify(doc));
    // As JSON, without TypeBox's own keys, with records and constants as the OpenAPI transform writes them.
    const asPublished = (schema: unknown) =>
      JSON.parse(
        JSON.stringify(schema, (k, v) => {
          if (k.startsWith('~')) return undefined;
          if (v && typeof v === 'object' && v.patternProperties?.['^.*$']) {
            const { patternProperties, ...rest } = v;
            return { ...rest, additionalProperties: patternProperties['^.*$'] };
          }
          if (v && typeof v === 'object' && 'const' in v) {
            const { const: value, ...rest } = v;
            return { ...rest, enum: [value] };
          }
          return v;
        }),
      );
    for (const [key, schema] of Object.entries(API_ANSWERS)) {
      expect(ctx.app.apiRoutes, key).toContain(key);
      const published = documented(refDoc, key);
      expect(published, key).not.toBeUndefined();
      if (published === null) continue; // 204 No Content
      expect(published, key).toEqual(asPublished(schema));
    }
  });
});

describe('the client fetchers against the real routes', () => {
  it('merge answers the problem (its properties), not the GeoJSON Feature', async () => {
    signedInAs = 'admin';
    const rows = (await ctx.app.inject({ method: 'GET', url: '/api/problems?status=open,reported&limit=500', headers: ctx.as.admin }))
      .json()
      .features.map((f: { properties: { id: number; category: string; version: number } }) => f.properties);
    const dup = rows[0];
    const target = rows.find((r: { id: number; category: string }) => r.id !== dup.id && r.category === dup.category);
    expect(target).toBeDefined();
    const merged = await api.merge(dup.id, dup.version, target.id);
    expect(merged.id).toBe(dup.id);
    expect(merged.status).toBe('closed');
    expect(merged.mergedInto).toBe(target.id);
    expect(merged.history.at(-1)?.action).toBe('merge');
  });

  it('meta, grid statistics, overdue lists, a problem and the session read as their types say', async () => {
    signedInAs = 'admin';
    const meta = await api.meta();
    expect(meta.bbox).toHaveLength(4);
    const grid = (await api.gridStats('', 'overdue'))[0];
    const [first] = await api.overdueIn(grid.id);
    expect(first.overdue).toBe(true);
    const detail = await api.problem(first.id);
    expect(detail.categoryName.length).toBeGreaterThan(0);
    expect(Array.isArray(detail.history)).toBe(true);
    const session = await api.session();
    expect(session.user?.role).toBe('admin');
  });
});
