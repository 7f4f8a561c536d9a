import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { buildApp } from '../../server/app.ts';
import { type ClusterBus, SAFETY_POLL_MS } from '../../server/change-feed.ts';
import { allowedActions, nextStatus } from '../../server/domain/lifecycle.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { pgTestDatabase } from '../helpers/stores.ts';

const pgUrl = inject('pgUrl');

/** A bus that hears nothing (every notification missed) until the test says its connection came back. */
class DeafBus implements ClusterBus {
  resumed: () => void = () => {};
  async start(handlers: { resumed: () => void }): Promise<void> {
    this.resumed = handlers.resumed;
  }
  async send(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * A process that misses the other's notifications still follows the event log by sequence number:
 * on its own timer (within SAFETY_POLL_MS) and when its connection comes back.
 */
describe.skipIf(!pgUrl)('a process catching up from the event log without notifications', () => {
  let db: Awaited<ReturnType<typeof pgTestDatabase>>;
  let dir: string;
  const stores: PgStore[] = [];
  let writer: FastifyInstance;
  let deaf: FastifyInstance;
  const bus = new DeafBus();

  beforeAll(async () => {
    db = await pgTestDatabase(pgUrl as string);
    dir = mkdtempSync(join(tmpdir(), 'chuangwen-feed-'));
    const open = async (withBus: ClusterBus | null) => {
      const store = await PgStore.open(db.url, { max: 4 });
      if (stores.length === 0) await store.load(generateDemo({ seed: 1, count: 40, endMs: DEMO_NOW }));
      stores.push(store);
      const app = await buildApp({ store, bus: withBus, accounts: new PgAccountStore(store.pool), photoDir: join(dir, 'photos'), now: () => DEMO_NOW });
      await app.ready();
      return app;
    };
    writer = await open(null);
    deaf = await open(bus);
  });
  afterAll(async () => {
    for (const app of [writer, deaf]) await app?.close();
    for (const store of stores) await store.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Moves one open problem a step on, through the writer's store, as a route would. */
  async function changeOne(): Promise<{ id: number; status: string }> {
    const store = stores[0];
    for await (const batch of store.scanProblems()) {
      for (const p of batch) {
        const action = allowedActions(p.status).find((a) => nextStatus(p.status, a) !== p.status);
        if (!action) continue;
        const next = { ...p, status: nextStatus(p.status, action), updatedAt: DEMO_NOW, version: p.version + 1 };
        const event = { at: DEMO_NOW, actor: 'test', action, fromStatus: p.status, toStatus: next.status, note: '', photos: [], changes: {} };
        if (await store.updateProblem(next, p.version, event)) return { id: p.id, status: next.status };
      }
    }
    throw new Error('no problem to move');
  }
  const statusIn = (app: FastifyInstance, id: number) => app.problemTable.record(app.problemTable.positionOf(id)).status;

  it('applies another process’s change on its own timer, within the safety poll', async () => {
    const { id, status } = await changeOne();
    const before = deaf.feed.cursor;
    const t0 = Date.now();
    while (statusIn(deaf, id) !== status && Date.now() - t0 < SAFETY_POLL_MS + 3000) await new Promise((r) => setTimeout(r, 100));
    expect(statusIn(deaf, id)).toBe(status);
    expect(deaf.feed.cursor).toBeGreaterThan(before);
    expect(deaf.feed.cursor).toBe(await stores[1].lastEventId());
  });

  it('catches up at once when its lost connection comes back', async () => {
    const { id, status } = await changeOne();
    expect(statusIn(deaf, id)).not.toBe(status);
    bus.resumed();
    const t0 = Date.now();
    while (statusIn(deaf, id) !== status && Date.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 20));
    expect(statusIn(deaf, id)).toBe(status);
  });
});
