import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories } from '../../server/domain/catalogue.ts';
import { checkDispatchRules, type DispatchRule, matchDispatchRule } from '../../server/domain/dispatch.ts';
import { replayMismatches } from '../../server/domain/replay.ts';
import { type DemoApp, demoApp, ORIGIN } from '../helpers/demo.ts';

describe('matchDispatchRule', () => {
  const rules: DispatchRule[] = [
    { category: null, communityId: null, unitId: 'default' },
    { category: null, communityId: 'lizao', unitId: 'lizao-any' },
    { category: 'flyers', communityId: null, unitId: 'flyers-anywhere' },
    { category: 'flyers', communityId: 'lizao', unitId: 'flyers-lizao' },
  ];
  it('takes the most specific rule: category and community, category, community, default', () => {
    expect(matchDispatchRule(rules, 'flyers', 'lizao')?.unitId).toBe('flyers-lizao');
    expect(matchDispatchRule(rules, 'flyers', 'dongnan')?.unitId).toBe('flyers-anywhere');
    expect(matchDispatchRule(rules, 'piling', 'lizao')?.unitId).toBe('lizao-any');
    expect(matchDispatchRule(rules, 'piling', 'dongnan')?.unitId).toBe('default');
  });
  it('matches nothing without a default rule', () => {
    expect(matchDispatchRule(rules.slice(1), 'piling', 'dongnan')).toBeNull();
  });
  it('names the field of an unknown code and of a repeated pair', () => {
    const known = { categories: new Set(['flyers']), communities: new Set(['lizao']), units: new Set(['u']) };
    expect(checkDispatchRules([{ category: 'flyers', communityId: null, unitId: 'u' }], known)).toEqual([]);
    expect(checkDispatchRules([{ category: 'nope', communityId: null, unitId: 'u' }], known)[0].field).toBe('rules/0/category');
    expect(checkDispatchRules([{ category: null, communityId: 'x', unitId: 'u' }], known)[0].field).toBe('rules/0/communityId');
    expect(checkDispatchRules([{ category: null, communityId: null, unitId: 'x' }], known)[0].field).toBe('rules/0/unitId');
    const twice = checkDispatchRules(
      [
        { category: null, communityId: null, unitId: 'u' },
        { category: null, communityId: null, unitId: 'u' },
      ],
      known,
    );
    expect(twice[0].field).toBe('rules/1');
  });
});

describe('自动派遣 on the API', () => {
  let ctx: DemoApp;
  beforeAll(async () => {
    ctx = await demoApp(400);
  });
  afterAll(async () => ctx.close());

  const put = (rules: unknown) =>
    ctx.app.inject({ method: 'PUT', url: '/api/dispatch-rules', headers: { ...ctx.as.admin, origin: ORIGIN }, payload: { rules } });

  it('the demo rules send every category somewhere in every community', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/dispatch-rules', headers: ctx.as.leader });
    expect(res.statusCode).toBe(200);
    const rules = res.json().rules as (DispatchRule & { unitName: string; label: string })[];
    expect(rules.at(-1)).toMatchObject({ category: null, communityId: null, label: '默认规则' });
    for (const c of categories) {
      for (const community of ctx.app.townData.communities) {
        const rule = matchDispatchRule(rules, c.code, community.id);
        expect(rule, `${c.code} in ${community.id}`).not.toBeNull();
        // A category's own rule, not the default: every demo category has one.
        expect(rule?.category).toBe(c.code);
        expect(ctx.app.townData.unitById.has(rule?.unitId as string)).toBe(true);
      }
    }
  });

  it("assigns a grid manager's report at once by the rule, with an event that names it, visible to the unit", async () => {
    const grid = ctx.app.townData.gridById.get(ctx.users.grid_manager.gridIds[0]);
    if (!grid) throw new Error('no grid');
    const [lon, lat] = [ctx.app.problemTable.lon, ctx.app.problemTable.lat];
    let row = 0;
    while (ctx.app.problemTable.record(row).gridId !== grid.id) row++;
    // Dispatch 小广告 in this community to the test unit account's own unit.
    const unitId = ctx.users.unit.unitId as string;
    const saved = await put([
      { category: 'flyers', communityId: grid.communityId, unitId },
      { category: null, communityId: null, unitId: 'dept-enforcement' },
    ]);
    expect(saved.json()).not.toHaveProperty('code');
    expect(saved.statusCode).toBe(200);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.grid_manager, origin: ORIGIN },
      payload: { lon: lon[row], lat: lat[row], category: 'flyers', description: '电线杆上有小广告', source: 'grid_patrol' },
    });
    expect(res.statusCode).toBe(201);
    const p = res.json().problem.properties;
    expect(p).toMatchObject({ status: 'open', unitId, version: 2 });
    const assign = p.history.at(-1);
    expect(assign).toMatchObject({ action: 'assign', actor: '自动派遣', fromStatus: 'reported', toStatus: 'open', changes: { unitId } });
    expect(assign.note).toContain('小广告 / 牛皮癣 ×');
    expect(assign.note).toContain(ctx.app.townData.unitById.get(unitId)?.name);
    // The row is what its two events replay to.
    const stored = await ctx.app.store.problem(p.id);
    expect(replayMismatches(stored as NonNullable<typeof stored>, await ctx.app.store.events(p.id))).toEqual([]);
    // The unit reads it in its own list.
    const mine = await ctx.app.inject({ method: 'GET', url: `/api/problems/${p.id}`, headers: ctx.as.unit });
    expect(mine.statusCode).toBe(200);

    // Another category in the same place falls to the default rule.
    const other = await ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.grid_manager, origin: ORIGIN },
      payload: { lon: lon[row], lat: lat[row], category: 'littering', description: '路边有暴露垃圾', source: 'grid_patrol' },
    });
    expect(other.json().problem.properties).toMatchObject({ status: 'open', unitId: 'dept-enforcement' });
    expect(other.json().problem.properties.history.at(-1).note).toContain('默认规则');
  });

  it('leaves a report for an admin to assign when no rule matches, and the admin can still reassign', async () => {
    expect((await put([])).statusCode).toBe(200);
    const [lon, lat] = [ctx.app.problemTable.lon[0], ctx.app.problemTable.lat[0]];
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: { lon, lat, category: 'piling', description: '楼道口堆放杂物', source: 'inspection' },
    });
    const p = res.json().problem.properties;
    expect(p).toMatchObject({ status: 'reported', unitId: null, version: 1 });
    const reassigned = await ctx.app.inject({
      method: 'POST',
      url: `/api/problems/${p.id}/transitions`,
      headers: { ...ctx.as.admin, origin: ORIGIN, 'if-match': '"1"' },
      payload: { action: 'assign', unitId: 'dept-sanitation' },
    });
    expect(reassigned.json().properties).toMatchObject({ status: 'open', unitId: 'dept-sanitation' });
  });

  it('refuses a wrong rule naming its field, keeps the old rules, and audits a save', async () => {
    const good = [{ category: null, communityId: null, unitId: 'dept-enforcement' }];
    expect((await put(good)).statusCode).toBe(200);
    for (const [rules, field] of [
      [[{ category: 'nope', communityId: null, unitId: 'dept-enforcement' }], 'rules/0/category'],
      [[{ category: null, communityId: 'nowhere', unitId: 'dept-enforcement' }], 'rules/0/communityId'],
      [[...good, { category: 'flyers', communityId: null, unitId: 'no-such-unit' }], 'rules/1/unitId'],
      [[...good, ...good], 'rules/1'],
    ] as const) {
      const res = await put(rules);
      expect(res.statusCode, field).toBe(422);
      expect(res.json().field).toBe(field);
    }
    const missing = await put([{ category: null, unitId: 'dept-enforcement' }]);
    expect(missing.statusCode).toBe(400);
    expect(ctx.app.dispatch.rules).toEqual(good);
    expect(await ctx.app.store.dispatchRules()).toEqual(good);
    const audit = await ctx.app.inject({ method: 'GET', url: '/api/audit?action=dispatch.rules', headers: ctx.as.admin });
    expect(audit.json().entries.length).toBeGreaterThan(0);
  });
});
