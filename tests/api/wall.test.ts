import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { checkWallConfig, defaultWallConfig, WallConfigSource } from '../../server/wall-config.ts';
import { DEMO_NOW, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(1500);
});
afterAll(async () => ctx.close());

describe('wall settings (wall.json)', () => {
  const communities = new Set(['lizao', 'dongnan']);

  it('names each wrong field and why', () => {
    expect(checkWallConfig({ intervalSeconds: 2, scenes: [{ target: 'nowhere' }] }, communities).map((e) => e.field)).toEqual([
      'intervalSeconds',
      'scenes/0/target',
    ]);
    expect(checkWallConfig({ scenes: [{ target: 'community' }] }, communities)).toEqual([
      { field: 'scenes/0/communityId', message: 'target 为 community 时必须指定村居' },
    ]);
    expect(checkWallConfig({ scenes: [{ target: 'community', communityId: 'x' }] }, communities)).toEqual([
      { field: 'scenes/0/communityId', message: '未知的村居 x' },
    ]);
    expect(checkWallConfig({ thresholds: { rateGood: 0.7, rateWarn: 0.8 } }, communities)).toEqual([
      { field: 'thresholds/rateWarn', message: '不能高于 rateGood' },
    ]);
    expect(checkWallConfig({ title: '指挥中心', intervalSeconds: 30 }, communities)).toEqual([]);
  });

  it('reads the file when it changes, fills the rest from the defaults, and keeps the last good settings when it is wrong', () => {
    const path = join(ctx.dir, 'wall-test.json');
    const defaults = defaultWallConfig('盐东镇');
    const source = new WallConfigSource(path, defaults, communities);
    expect(source.current()).toEqual({ config: defaults, fromFile: false, error: null });
    writeFileSync(path, JSON.stringify({ intervalSeconds: 8, scenes: [{ target: 'community', communityId: 'dongnan', caption: '东南集镇' }] }));
    const good = source.current();
    expect(good).toMatchObject({ fromFile: true, error: null, config: { title: defaults.title, intervalSeconds: 8, thresholds: defaults.thresholds } });
    expect(good.config.scenes).toEqual([{ target: 'community', communityId: 'dongnan', caption: '东南集镇' }]);
    // A later broken edit (a different mtime) keeps the last good settings and says what is wrong.
    writeFileSync(path, '{ "intervalSeconds": ');
    const t = new Date(Date.now() + 5000);
    utimesSync(path, t, t);
    const broken = source.current();
    expect(broken.config.intervalSeconds).toBe(8);
    expect(broken.error).toMatch(/不是有效的 JSON/);
  });

  it('GET /api/wall/config answers the defaults for the town: its title, seven scenes (the last 巡查覆盖), 20 s', async () => {
    const res = await ctx.app.inject({ url: '/api/wall/config', headers: ctx.as.display });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      title: '盐东镇创建全国文明城市指挥调度中心',
      intervalSeconds: 20,
      resumeAfterSeconds: 60,
      fromFile: false,
      error: null,
    });
    expect(res.json().scenes[0]).toEqual({ target: 'town', mode: 'heat' });
    expect(res.json().scenes).toHaveLength(7);
    expect(res.json().scenes[6]).toMatchObject({ target: 'town', mode: 'patrol' });
  });

  it('GET /api/wall/config answers what an admin put in wall.json', async () => {
    const path = join(ctx.dir, 'wall-by-hand.json');
    writeFileSync(path, JSON.stringify({ title: '亭湖区盐东镇创文指挥中心', intervalSeconds: 10 }));
    const app = await buildApp({
      store: ctx.app.store,
      accounts: ctx.accounts,
      photoDir: join(ctx.dir, 'photos'),
      wallConfigPath: path,
      now: () => DEMO_NOW,
    });
    const res = await app.inject({ url: '/api/wall/config', headers: ctx.as.display });
    expect(res.json()).toMatchObject({ title: '亭湖区盐东镇创文指挥中心', intervalSeconds: 10, fromFile: true, error: null });
    await app.close();
  });
});

describe('PUT /api/wall/config (the admin page)', () => {
  const put = (payload: unknown, headers = ctx.as.admin) =>
    ctx.app.inject({ method: 'PUT', url: '/api/wall/config', headers: { ...headers, origin: ORIGIN }, payload: payload as object });

  it('saves the settings to wall.json, which the wall reads from then on, and audits it', async () => {
    const settings = {
      title: '盐东镇创文指挥中心',
      intervalSeconds: 15,
      scenes: [
        { target: 'town', mode: 'heat' },
        { target: 'community', communityId: ctx.app.townData.communities[0].id, caption: '重点村居', mode: 'hex' },
      ],
      thresholds: { rateGood: 0.95, rateWarn: 0.85 },
    };
    const res = await put(settings);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ...settings, resumeAfterSeconds: 60, fromFile: true, error: null });
    expect(JSON.parse(readFileSync(join(ctx.dir, 'wall.json'), 'utf8'))).toEqual(settings);
    const read = await ctx.app.inject({ url: '/api/wall/config', headers: ctx.as.display });
    expect(read.json()).toMatchObject({ title: '盐东镇创文指挥中心', intervalSeconds: 15, fromFile: true });
    const audit = await ctx.app.inject({ url: '/api/audit?action=wall.config&limit=1', headers: ctx.as.admin });
    expect(audit.json().entries[0]).toMatchObject({ action: 'wall.config', objectType: 'wall' });
  });

  it('refuses wrong settings naming the field, and keeps the file as it was', async () => {
    const before = readFileSync(join(ctx.dir, 'wall.json'), 'utf8');
    const cases: [unknown, number, string][] = [
      [{ thresholds: { rateGood: 0.7, rateWarn: 0.8 } }, 422, 'thresholds/rateWarn'],
      [{ scenes: [{ target: 'community', communityId: 'nowhere' }] }, 422, 'scenes/0/communityId'],
      [{ scenes: [{ target: 'community' }] }, 422, 'scenes/0/communityId'],
      [{ intervalSeconds: 2 }, 400, 'intervalSeconds'],
      [{ scenes: [] }, 400, 'scenes'],
      [{ colour: 'red' }, 400, 'colour'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await put(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect(readFileSync(join(ctx.dir, 'wall.json'), 'utf8')).toBe(before);
  });

  it('is for admins only; without a data directory there is nowhere to save (409)', async () => {
    for (const role of ['leader', 'grid_manager', 'unit', 'display'] as const) expect((await put({ intervalSeconds: 30 }, ctx.as[role])).statusCode).toBe(403);
    const app = await buildApp({
      store: ctx.app.store,
      accounts: ctx.accounts,
      photoDir: join(ctx.dir, 'photos'),
      now: () => DEMO_NOW,
    });
    const res = await app.inject({ method: 'PUT', url: '/api/wall/config', headers: { ...ctx.as.admin, origin: ORIGIN }, payload: { intervalSeconds: 30 } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('no_data_dir');
    await app.close();
  });
});

describe('GET /api/feed', () => {
  it('lists the latest reports, closures and merges, newest first, with names and no personal information', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: {
        lon: ctx.app.problemTable.lon[0],
        lat: ctx.app.problemTable.lat[0],
        category: 'flyers',
        description: '电线杆上小广告',
        source: 'public_report',
        reporter: { name: '王小明', phone: '13912345678' },
      },
    });
    expect(created.statusCode).toBe(201);
    const res = await ctx.app.inject({ url: '/api/feed?limit=10', headers: ctx.as.display });
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items).toHaveLength(10);
    expect(items[0]).toMatchObject({ problemId: created.json().problem.id, action: 'report', categoryName: '小广告 / 牛皮癣' });
    expect(items[0].communityName).toBeTruthy();
    for (let i = 1; i < items.length; i++) expect(Date.parse(items[i - 1].at)).toBeGreaterThanOrEqual(Date.parse(items[i].at));
    expect(items.every((e: { action: string }) => ['report', 'close', 'merge'].includes(e.action))).toBe(true);
    expect(res.body).not.toContain('王');
    expect(res.body).not.toContain('1391234');
  });

  it('shows a unit its own problems only', async () => {
    const { items } = (await ctx.app.inject({ url: '/api/feed?limit=50', headers: ctx.as.unit })).json();
    expect(items.length).toBeGreaterThan(0);
    for (const e of items) expect((await ctx.app.store.problem(e.problemId))?.unitId).toBe(ctx.users.unit.unitId);
  });
});
