import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateDemo, generateDemoInWorker } from '../../scripts/demo/generate.ts';
import { createPool, migratePg } from '../../server/store/pg/client.ts';
import { pgMigrations } from '../../server/store/pg/migrations.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { pgTestDatabase } from '../helpers/stores.ts';

// What every store does is in store-conformance.test.ts; here, what is PostgreSQL's own.
const pgUrl = inject('pgUrl');

describe.skipIf(!pgUrl)('PostgreSQL store', () => {
  let db: Awaited<ReturnType<typeof pgTestDatabase>>;
  let store: PgStore;
  beforeAll(async () => {
    db = await pgTestDatabase(pgUrl as string);
    store = await PgStore.open(db.url);
    await store.load(generateDemoInWorker({ seed: 4, count: 3000, endMs: DEMO_NOW }));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('records its schema version, migrates once when two processes start together, and refuses a newer database', async () => {
    const pools = [createPool(db.url, 1), createPool(db.url, 1)];
    try {
      expect(await Promise.all(pools.map(migratePg))).toEqual([pgMigrations.length, pgMigrations.length]);
      const { rows } = await store.pool.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(pgMigrations.map((_, i) => i + 1));
      const other = await pgTestDatabase(pgUrl as string);
      const p = createPool(other.url, 1);
      try {
        await p.query('INSERT INTO schema_migrations VALUES ($1, 0)', [pgMigrations.length + 1]);
        await expect(migratePg(p)).rejects.toThrow(/newer/);
      } finally {
        await p.end();
        await other.drop();
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('keeps a PostGIS point for every problem and key site, and finds them by place through GiST indexes', async () => {
    const { rows } = await store.pool.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE ST_X(geom) = lon AND ST_Y(geom) = lat AND ST_SRID(geom) = 4326) AS placed FROM problems`,
    );
    expect(rows[0]).toEqual({ n: 3000, placed: 3000 });
    // Each problem lies in its own grid's polygon, as the generator placed it.
    const within = await store.pool.query('SELECT count(*) AS n FROM problems p JOIN grids g ON g.id = p.grid_id WHERE ST_Intersects(g.geom, p.geom)');
    expect(within.rows[0].n).toBe(3000);
    const c = await store.pool.connect();
    try {
      // Sequential scans off: the plan shows whether an index can answer at all.
      await c.query('SET enable_seqscan = off');
      for (const [table, sql] of [
        ['problems', 'SELECT id FROM problems WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(120.3, 33.1), 4326), 0.001)'],
        ['grids', 'SELECT id FROM grids WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(120.3, 33.1), 4326))'],
        ['sites', 'SELECT id FROM sites WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(120.3, 33.1), 4326), 0.001)'],
      ]) {
        const plan = (await c.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan, table).toMatch(new RegExp(`Index Scan using ${table}_geom`));
      }
    } finally {
      c.release();
    }
  });

  it('holds the same rows as the SQLite bulk load of the same town', async () => {
    const d = generateDemo({ seed: 4, count: 3000, endMs: DEMO_NOW });
    let i = 0;
    for (const draft of d.problems) {
      i++;
      if (i % 97 !== 1) continue;
      const row = (await store.problem(i)) as ProblemRecord;
      expect(row).toEqual({ id: i, ...draft.problem });
      expect((await store.events(i)).map(({ id: _, problemId: __, ...e }) => e)).toEqual(draft.events);
    }
  });

  it('commits event ids in order, so a reader catching up by id never skips one', async () => {
    // Many writers at once; a reader polls "events after the last id it saw" meanwhile. With ids
    // committed out of order the reader would step past an id that appears only later.
    const start = await store.lastEventId();
    const seen: number[] = [];
    let cursor = start;
    let writing = true;
    const reader = (async () => {
      while (writing || cursor < (await store.lastEventId())) {
        for (const e of await store.eventsAfter(cursor, 1000)) {
          seen.push(e.id);
          cursor = e.id;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const writers = Array.from({ length: 200 }, async (_, k) => {
      const id = 1 + (k % 150);
      for (;;) {
        const p = (await store.problem(id)) as ProblemRecord;
        const at = DEMO_NOW + k;
        const event = {
          at,
          actor: 't',
          action: 'measure' as const,
          fromStatus: p.status,
          toStatus: p.status,
          note: `${k}`,
          photos: [],
          changes: { measure: `m${k}` },
        };
        if (await store.updateProblem({ ...p, measure: `m${k}`, updatedAt: at, version: p.version + 1 }, p.version, event)) return;
      }
    });
    await Promise.all(writers);
    writing = false;
    await reader;
    const all = (await store.eventsAfter(start, 10_000)).map((e) => e.id);
    expect(all).toHaveLength(200);
    expect(seen).toEqual(all);
  });

  it('gives new problems ids in commit order too, so a reader appends them in id order', async () => {
    const start = await store.lastEventId();
    const p = (await store.problem(1)) as ProblemRecord;
    const draft = {
      problem: { ...p, status: 'reported' as const, unitId: null, measure: null, deadline: null, closedAt: null, version: 1 },
      events: [{ at: DEMO_NOW, actor: 't', action: 'report' as const, fromStatus: null, toStatus: 'reported' as const, note: '', photos: [], changes: {} }],
    };
    await Promise.all(
      Array.from({ length: 60 }, (_, k) => store.createProblem(draft, { idempotency: { userId: 1, key: `order-${k}`, bodyHash: 'h', at: DEMO_NOW } })),
    );
    const reported = (await store.eventsAfter(start, 1000)).map((e) => e.problemId);
    expect(reported).toHaveLength(60);
    expect(reported).toEqual([...reported].sort((a, b) => a - b));
  });

  it('refuses to truncate the event log', async () => {
    await expect(store.pool.query('TRUNCATE problem_events CASCADE')).rejects.toThrow(/append-only/);
  });

  it('answers a clear error when the server is not there', async () => {
    const u = new URL(pgUrl as string);
    u.port = '1';
    await expect(PgStore.open(u.toString())).rejects.toThrow(/ECONNREFUSED/);
  });
});
