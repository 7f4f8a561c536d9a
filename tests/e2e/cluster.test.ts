import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import type { ChildServer } from '../../scripts/lib/child-server.ts';
import { NGINX } from '../../scripts/lib/nginx.ts';
import { type Cluster, StreamReader, startCluster } from '../helpers/cluster.ts';
import { ARTIFACTS, FOREGROUND_PAGES, keepShot, launch } from './browser.ts';

/**
 * Several processes on one PostgreSQL database behind nginx (deploy/nginx.conf): what a change
 * made through one process does on the walls of the others, and a rolling restart under the walls.
 * Figures are printed; the bounds are the issue's (≤ 1 s p95 to the wall, ≤ 5 s of 离线).
 */
const pgUrl = inject('pgUrl');
const TRANSITIONS = 1000;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

describe.skipIf(!pgUrl || !existsSync(NGINX))('two processes behind nginx', () => {
  let c: Cluster;
  let browser: Browser;
  beforeAll(async () => {
    c = await startCluster(pgUrl as string, 1500);
    // two wall screens, each a page in the foreground
    browser = await launch(FOREGROUND_PAGES);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });

  /** Open problems to change, with their versions (ETags) as the writers go. */
  const openProblems = async (n: number) => {
    const out: { id: number; version: number }[] = [];
    for await (const batch of c.store.scanProblems())
      for (const p of batch) if (p.status !== 'closed' && out.length < n) out.push({ id: p.id, version: p.version });
    return out;
  };

  /** Sets a problem's 整改措施 through `origin`; answers the new version. */
  const measure = async (origin: string, p: { id: number; version: number }, text: string) => {
    const res = await fetch(`${origin}/api/problems/${p.id}/measure`, {
      method: 'PUT',
      headers: { cookie: c.admin, origin, 'content-type': 'application/json', 'if-match': `"${p.version}"` },
      body: JSON.stringify({ measure: text }),
    });
    if (res.status !== 200) throw new Error(`PUT measure ${p.id} through ${origin}: ${res.status} ${await res.text()}`);
    return Number(res.headers.get('etag')?.replaceAll('"', ''));
  };

  it(`${TRANSITIONS} transitions sent alternately through A and B reach a wall on each exactly once, p95 within 1 s`, async () => {
    const walls = { A: new StreamReader(c.a.base, c.wall), B: new StreamReader(c.b.base, c.wall) };
    onTestFinished(() => {
      for (const w of Object.values(walls)) w.close();
    });
    await Promise.all(Object.values(walls).map((w) => w.open()));
    // live from here: a first change seen on both (see the rolling restart below)
    const [first] = await openProblems(1);
    first.version = await measure(c.a.base, first, '开始');
    while (Object.values(walls).some((w) => w.changes.length === 0)) await new Promise((r) => setTimeout(r, 20));
    const start = await c.store.lastEventId();
    for (const w of Object.values(walls)) w.changes.length = 0;
    const problems = await openProblems(250);
    const sent = new Map<string, number>();
    let k = 0;
    // 25 writers at once, each changing its problems in turn; request k goes to A when k is even.
    const writers = Array.from({ length: 25 }, async (_, w) => {
      for (let round = 0; k < TRANSITIONS; round++) {
        for (let i = w; i < problems.length && k < TRANSITIONS; i += 25) {
          const p = problems[i];
          const through = k++ % 2 === 0 ? c.a : c.b;
          sent.set(`${p.id}:${round}`, performance.now());
          p.version = await measure(through.base, p, `措施 ${round}`);
        }
      }
    });
    await Promise.all(writers);
    const written = (await c.store.eventsAfter(start, 10_000)).filter((e) => e.action === 'measure').map((e) => e.id);
    expect(written).toHaveLength(TRANSITIONS);
    const deadline = performance.now() + 10_000;
    while (Object.values(walls).some((w) => w.changes.length < TRANSITIONS) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const [name, wall] of Object.entries(walls)) {
      wall.close();
      const ids = wall.changes.map((x) => x.eventId);
      expect(new Set(ids).size, `wall on ${name}: no change twice`).toBe(ids.length);
      expect(
        [...ids].sort((a, b) => a - b),
        `wall on ${name}: every change`,
      ).toEqual(written);
      expect(ids, `wall on ${name}: in order`).toEqual(written);
      // the n-th change of a problem answers its n-th request
      const nth = new Map<number, number>();
      const latency = wall.changes.map((x) => {
        const n = nth.get(x.problemId) ?? 0;
        nth.set(x.problemId, n + 1);
        return x.at - (sent.get(`${x.problemId}:${n}`) as number);
      });
      const p50 = quantile(latency, 0.5);
      const p95 = quantile(latency, 0.95);
      console.log(
        `wall on ${name}: ${ids.length} changes, each once; request-to-wall p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...latency).toFixed(0)} ms`,
      );
      expect(p95).toBeLessThanOrEqual(1000);
    }
  });

  // Tried up to 3 times (every attempt prints its figures): on this 2-core machine the restarting
  // server, PostgreSQL, nginx and two software-GL pages share the cores.
  it('a rolling restart (stop A, start A, stop B, start B) keeps every wall live: 离线 for at most 5 s, no change lost or doubled', async () => {
    const pages: Page[] = [];
    const failedRequests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const [name, value] = c.wall.split('=');
      await context.addCookies([{ name, value, url: c.nginx.origin }]);
      // The page times its own 离线 banner (a sampler outside would add the page's busy moments).
      await context.addInitScript(() => {
        const w = window as unknown as { offlineSpans: number[][] };
        w.offlineSpans = [];
        let since: number | null = null;
        const look = () => {
          const shown = document.querySelector('.wall-offline') !== null;
          if (shown && since === null) since = performance.now();
          if (!shown && since !== null) {
            w.offlineSpans.push([since, performance.now()]);
            since = null;
          }
        };
        new MutationObserver(look).observe(document, { childList: true, subtree: true });
        (w as unknown as { offlineNow: () => number[][] }).offlineNow = () =>
          since === null ? w.offlineSpans : [...w.offlineSpans, [since, performance.now()]];
      });
      const page = await context.newPage();
      // what the page failed to get, said in the figures below when 离线 lasts
      page.on('response', (r) => {
        if (r.status() >= 400) failedRequests.push(`page ${i + 1}: ${r.status()} ${new URL(r.url()).pathname}`);
      });
      page.on('requestfailed', (r) => failedRequests.push(`page ${i + 1}: ${r.failure()?.errorText} ${new URL(r.url()).pathname}`));
      await page.goto(`${c.nginx.origin}/wall`);
      await page.locator('[data-live="on"]').waitFor({ timeout: 60_000 });
      pages.push(page);
    }
    const streams = [new StreamReader(c.nginx.origin, c.wall), new StreamReader(c.nginx.origin, c.wall)];
    onTestFinished(() => {
      for (const s of streams) s.close();
    });
    await Promise.all(streams.map((s) => s.open()));
    // A first change, seen on both streams: from here on they are live (a stream starts at the
    // newest event when the server reads it, a moment after its answer's headers).
    const [first] = await openProblems(1);
    first.version = await measure(c.nginx.origin, first, '重启前');
    while (streams.some((s) => s.changes.length === 0)) await new Promise((r) => setTimeout(r, 20));
    const start = await c.store.lastEventId();
    for (const s of streams) s.changes.length = 0;
    // a change every 150 ms through nginx all along: the walls must get each once
    const problems = await openProblems(40);
    let writing = true;
    let failures = 0;
    let made = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const p = problems[i % problems.length];
        try {
          p.version = await measure(c.nginx.origin, p, `重启中 ${i}`);
          made++;
        } catch {
          failures++;
          const fresh = await c.store.problem(p.id);
          if (fresh) p.version = fresh.version;
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const figures: string[] = [];
    const restart = async (name: string, s: ChildServer) => {
      const t0 = performance.now();
      await s.stop();
      const stopMs = performance.now() - t0;
      const startMs = await s.start();
      figures.push(`${name}: stopped in ${stopMs.toFixed(0)} ms, answered again after ${startMs.toFixed(0)} ms`);
      await new Promise((r) => setTimeout(r, 3000));
    };
    await restart('A', c.a);
    await restart('B', c.b);
    writing = false;
    await writer;
    await new Promise((r) => setTimeout(r, 1500));
    const offline = await Promise.all(
      pages.map(async (page) => {
        const spans = await page.evaluate(() => (window as unknown as { offlineNow: () => number[][] }).offlineNow());
        return { longest: Math.max(0, ...spans.map(([a, b]) => b - a)) };
      }),
    );
    await keepShot(pages[0], 'cluster-wall-after-restart.png');
    const written = (await c.store.eventsAfter(start, 10_000)).map((e) => e.id);
    console.log(
      `rolling restart: ${figures.join('; ')}; ${made} changes made through nginx meanwhile, ${failures} refused; ` +
        `longest 离线 on the wall pages ${offline.map((o) => `${(o.longest / 1000).toFixed(1)} s`).join(', ')}; ` +
        `stream gaps ${streams.map((s) => s.gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join('/') || 'none').join(', ')}`,
    );
    if (failedRequests.length > 0) console.log(`requests the wall pages did not get: ${failedRequests.join('; ')}`);
    expect(failures).toBe(0);
    for (const o of offline) expect(o.longest).toBeLessThanOrEqual(5000);
    for (const s of streams) {
      s.close();
      const ids = s.changes.map((x) => x.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(written);
    }
    for (const page of pages) expect(await page.locator('.wall-offline').isVisible()).toBe(false);
    expect(ARTIFACTS).toBeTruthy();
  });
});
