import type { Geometry, Position } from 'geojson';
import townJson from '../../data/yandong.json' with { type: 'json' };
import { shanghaiDate, shanghaiMidnight } from '../../server/domain/calendar.ts';
import { checklistFor } from '../../server/domain/checklists.ts';
import type { DeadlineRule, ItemResult, RoundKind } from '../../server/domain/inspections.ts';
import { stratifiedSample } from '../../server/domain/inspections.ts';
import { Random } from '../../server/domain/random.ts';
import { failedItemDraft } from '../../server/inspections/failed-item.ts';
import type { RoundRecord, RoundSite, SampleRecord } from '../../server/store/inspection-store.ts';
import type { ProblemDraft } from '../../server/store/records.ts';
import type { Store } from '../../server/store/store.ts';
import type { TownData } from '../../server/town-data.ts';
import { ASSESSMENT_STREAM_SALT } from './streams.ts';

/**
 * The demo's assessment year (演示数据): a 督导检查 every month on a stratified sample of 30 key
 * sites, a 模拟测评 of every site each quarter followed two weeks later by its 回头看, the checks
 * made in them (fewer failures as the campaign goes on, a few veto items failed), the problems the
 * failed items made — handled and mostly closed by their units — and the key projects of the two
 * market towns with their milestones and progress reports.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TEAM = ['镇创文办督查组', '王建国', '陈晓燕'];
const SUPERVISION_SAMPLE = 30;

interface PlannedRound {
  kind: RoundKind;
  name: string;
  startsOn: string;
  endsOn: string;
  deadlineRule: DeadlineRule;
  sample: SampleRecord;
  recheckOf?: number;
}

/** A date `days` after the Shanghai date of `ms`. */
const dayAfter = (ms: number, days: number) => shanghaiDate(shanghaiMidnight(shanghaiDate(ms)) + days * DAY + 12 * HOUR);

/**
 * The unit's handling of a problem a failed item made, as events after its report and assignment:
 * started, rectified and verified, on time more often as the campaign goes on; nothing after `now`.
 */
function handled(rng: Random, draft: ProblemDraft, progress: number, now: number, unitName: string): void {
  const p = draft.problem;
  if (p.status !== 'open' || !p.unitId || p.deadline === null) return;
  const deadline = p.deadline;
  const limit = deadline - p.reportedAt;
  let t = p.reportedAt + Math.max(30 * 60_000, rng.exponential(Math.min(4 * HOUR, limit / 4)));
  const push = (action: 'start' | 'submit' | 'close', to: 'in_progress' | 'awaiting_verification' | 'closed', actor: string, note: string) => {
    if (t > now) return false;
    const at = Math.round(t);
    draft.events.push({ at, actor, action, fromStatus: p.status, toStatus: to, note, photos: [], changes: to === 'closed' ? { closedAt: at } : {} });
    Object.assign(p, { status: to, updatedAt: at, version: p.version + 1 }, to === 'closed' ? { closedAt: at } : {});
    return true;
  };
  if (!push('start', 'in_progress', unitName, '')) return;
  const onTime = rng.chance(0.6 + 0.35 * progress);
  t = onTime ? p.reportedAt + limit * rng.range(0.3, 0.95) : deadline + rng.exponential(Math.max(6 * HOUR, limit * 0.8));
  if (!push('submit', 'awaiting_verification', unitName, '已按测评要求整改')) return;
  t += Math.max(20 * 60_000, rng.exponential(10 * HOUR));
  push('close', 'closed', '镇创文办核查员', '');
}

/** The rounds of the year before `now`, oldest first (rechecks named by the index of their round). */
function plannedRounds(now: number): (PlannedRound & { recheckIndex?: number })[] {
  const rounds: (PlannedRound & { recheckIndex?: number })[] = [];
  const today = shanghaiDate(now);
  const [y, m] = today.split('-').map(Number);
  for (let back = 11; back >= 0; back--) {
    const month = new Date(Date.UTC(y, m - 1 - back, 1));
    const ym = month.toISOString().slice(0, 7);
    const label = `${month.getUTCFullYear()}年${month.getUTCMonth() + 1}月`;
    rounds.push({
      kind: 'supervision',
      name: `${label}督导检查`,
      startsOn: `${ym}-08`,
      endsOn: `${ym}-12`,
      deadlineRule: { kind: 'category' },
      sample: { mode: 'random', size: SUPERVISION_SAMPLE, seed: 1000 + back },
    });
    if ((month.getUTCMonth() + 1) % 3 === 2) {
      rounds.push({
        kind: 'mock_evaluation',
        name: `${label}模拟测评`,
        startsOn: `${ym}-18`,
        endsOn: `${ym}-20`,
        deadlineRule: { kind: 'workdays', days: 1 },
        sample: { mode: 'all' },
      });
      rounds.push({
        kind: 'recheck',
        name: `${label}模拟测评回头看`,
        startsOn: dayAfter(Date.parse(`${ym}-20T12:00:00+08:00`), 12),
        endsOn: dayAfter(Date.parse(`${ym}-20T12:00:00+08:00`), 14),
        deadlineRule: { kind: 'workdays', days: 1 },
        sample: { mode: 'recheck' },
        recheckIndex: rounds.length - 1,
      });
    }
  }
  return rounds.filter((r) => r.startsOn <= today);
}

/** Adds the assessment year; returns how many rounds, checks and problems it wrote. */
export async function seedDemoAssessment(
  store: Store,
  town: TownData,
  options: { seed: number; now: number },
): Promise<{ rounds: number; checks: number; problems: number; projects: number }> {
  const rng = new Random(options.seed ^ ASSESSMENT_STREAM_SALT);
  const { now } = options;
  const start = now - 365 * DAY;
  const ids: number[] = [];
  let checks = 0;
  let problems = 0;
  for (const plan of plannedRounds(now)) {
    let sites: RoundSite[];
    if (plan.kind === 'recheck') {
      const earlier = await store.inspections.round(ids[plan.recheckIndex as number]);
      sites = (earlier?.checks ?? [])
        .map((c) => ({ siteId: c.siteId, items: c.items.filter((i) => i.result === 'fail').map((i) => i.item) }))
        .filter((s) => s.items.length > 0);
      if (sites.length === 0) continue;
    } else if (plan.sample.mode === 'random') {
      sites = stratifiedSample(town.sites, plan.sample.size, plan.sample.seed).map((siteId) => ({ siteId, items: null }));
    } else sites = town.sites.map((s) => ({ siteId: s.id, items: null }));
    const startsAt = shanghaiMidnight(plan.startsOn);
    const round: RoundRecord = await store.inspections.createRound(
      {
        kind: plan.kind,
        name: plan.name,
        startsOn: plan.startsOn,
        endsOn: plan.endsOn,
        team: TEAM,
        deadlineRule: plan.deadlineRule,
        recheckOf: plan.recheckIndex === undefined ? null : ids[plan.recheckIndex],
        sample: plan.sample,
        createdBy: '镇创文办',
        createdAt: startsAt - 3 * DAY,
      },
      sites,
    );
    ids.push(round.id);
    const days = Math.round((shanghaiMidnight(plan.endsOn) - startsAt) / DAY) + 1;
    for (const rs of sites) {
      const at = startsAt + rng.int(days) * DAY + Math.round(rng.range(8.5, 17) * HOUR);
      // the round under way now: what is not checked yet stays to do
      if (at > now - HOUR) continue;
      const site = town.siteById.get(rs.siteId);
      if (!site) continue;
      const progress = (at - start) / (now - start);
      const items = checklistFor(site.kind).items.filter((i) => rs.items === null || rs.items.includes(i.code));
      const answers = items.map((i) => {
        const failP =
          plan.kind === 'recheck' ? 0.2 : i.veto ? (plan.kind === 'mock_evaluation' ? 0.15 : 0.03) : (0.05 + 0.1 * (1 - progress)) * (i.weight >= 3 ? 1.2 : 1);
        const result: ItemResult = rng.chance(0.04) && plan.kind !== 'recheck' ? 'na' : rng.chance(failP) ? 'fail' : 'pass';
        const note = result === 'fail' ? (plan.kind === 'recheck' ? '复查仍未整改到位' : '现场检查发现') : '';
        const draft = result === 'fail' ? failedItemDraft(town, round, site, i.code, note, TEAM[1 + rng.int(2)], at) : null;
        if (draft) handled(rng, draft, progress, now, town.unitById.get(site.unitId ?? '')?.name ?? '责任单位');
        return { item: i.code, result, note, draft };
      });
      const done = await store.inspections.submitCheck({
        roundId: round.id,
        siteId: site.id,
        checkedAt: at,
        inspector: TEAM[1 + rng.int(2)],
        note: '',
        items: answers,
      });
      if (done) {
        checks++;
        problems += done.created.length;
      }
    }
  }
  const projects = await seedDemoProjects(store, town, now);
  return { rounds: ids.length, checks, problems, projects };
}

const road = (name: string): Position[] => (townJson.roads.find((r) => r.name === name)?.line ?? []) as Position[];
/** A rectangle of w × h degrees around a point, closed. */
const box = ([x, y]: number[], w: number, h: number): Geometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x - w, y - h],
      [x + w, y - h],
      [x + w, y + h],
      [x - w, y + h],
      [x - w, y - h],
    ],
  ],
});

/**
 * The market towns' key projects, with dates around `now` so that the table shows each status:
 * milestones as [name, planned (days from now), reached (days from now) or null], and progress
 * reports at the milestones reached.
 */
const PROJECTS: {
  name: string;
  unit: string;
  geometry: Geometry;
  description: string;
  start: number;
  due: number;
  percent: number;
  milestones: [string, number, number | null][];
}[] = [
  {
    name: '李灶农贸市场提升改造',
    unit: 'dept-market',
    geometry: box([120.3712, 33.3508], 0.0016, 0.0011),
    description: '雨棚翻新、排水改造、摊位划行归市、公示牌更新',
    start: -120,
    due: 45,
    percent: 68,
    milestones: [
      ['方案设计批复', -100, -102],
      ['钢结构雨棚', -40, -34],
      ['摊位改造', 5, null],
      ['竣工验收', 45, null],
    ],
  },
  {
    name: '李灶街背街小巷整治',
    unit: 'dept-construction',
    geometry: { type: 'LineString', coordinates: road('李灶街') },
    description: '路面黑化、雨污分流、沿街立面与亮化',
    start: -90,
    due: 20,
    percent: 35,
    milestones: [
      ['路面黑化', -30, null],
      ['雨污分流', -5, null],
      ['立面亮化', 15, null],
    ],
  },
  {
    name: '李灶社区新建公厕',
    unit: 'dept-sanitation',
    geometry: { type: 'Point', coordinates: [120.3675, 33.3532] },
    description: '二类公厕一座，含第三卫生间',
    start: -60,
    due: 60,
    percent: 42,
    milestones: [
      ['选址与审批', -50, -52],
      ['主体施工', 20, null],
      ['验收开放', 60, null],
    ],
  },
  {
    name: '新洋路李灶段亮化工程',
    unit: 'dept-power',
    geometry: {
      type: 'LineString',
      coordinates: [
        [120.362, 33.35027],
        [120.37, 33.35],
        [120.378, 33.3496],
      ],
    },
    description: '路灯更换为 LED，补装 46 盏',
    start: -30,
    due: 90,
    percent: 18,
    milestones: [
      ['设计', -10, -12],
      ['灯杆安装', 60, null],
      ['通电调试', 85, null],
    ],
  },
  {
    name: '东南街沿街立面整治',
    unit: 'dept-construction',
    geometry: { type: 'LineString', coordinates: road('东南街') },
    description: '店招店牌统一、空调外机规整、破损墙面修复',
    start: -150,
    due: -10,
    percent: 100,
    milestones: [
      ['店招设计', -130, -128],
      ['立面施工', -40, -38],
      ['验收', -10, -12],
    ],
  },
  {
    name: '东南后街雨污管网改造',
    unit: 'dept-construction',
    geometry: { type: 'LineString', coordinates: road('东南后街') },
    description: '雨污分流管网 600 米，路面恢复',
    start: -100,
    due: 10,
    percent: 60,
    milestones: [
      ['开挖', -70, -71],
      ['管网铺设', -20, -17],
      ['路面恢复', 8, null],
    ],
  },
  {
    name: '东南集镇停车场',
    unit: 'dept-traffic',
    geometry: box([120.4065, 33.3005], 0.0012, 0.0008),
    description: '机动车泊位 80 个、非机动车棚两处',
    start: -45,
    due: 75,
    percent: 30,
    milestones: [
      ['场地平整', -15, -14],
      ['硬化施工', 40, null],
      ['划线与标识', 70, null],
    ],
  },
  {
    name: '东南集镇公益广告更新',
    unit: 'dept-publicity',
    geometry: { type: 'Point', coordinates: [120.4035, 33.3028] },
    description: '讲文明树新风公益广告 30 处',
    start: -40,
    due: -3,
    percent: 80,
    milestones: [
      ['设计定稿', -30, -31],
      ['制作安装', -3, null],
    ],
  },
];

/** Writes the demo's key projects, each with its progress reports at the milestones reached. */
async function seedDemoProjects(store: Store, town: TownData, now: number): Promise<number> {
  const at = (days: number) => shanghaiMidnight(dayAfter(now, days)) + 10 * HOUR;
  for (const plan of PROJECTS) {
    const first = plan.geometry.type === 'Point' ? plan.geometry.coordinates : plan.geometry.type === 'LineString' ? plan.geometry.coordinates[0] : [];
    const point = plan.geometry.type === 'Polygon' ? plan.geometry.coordinates[0][0] : first;
    const reached = plan.milestones.filter((m) => m[2] !== null).sort((a, b) => (a[2] as number) - (b[2] as number));
    let p = await store.projects.create({
      name: plan.name,
      unitId: town.unitById.has(plan.unit) ? plan.unit : town.units[0].id,
      communityId: town.communityIndex.locate(point[0], point[1]),
      geometry: plan.geometry,
      description: plan.description,
      startsOn: dayAfter(now, plan.start),
      dueOn: dayAfter(now, plan.due),
      percent: 0,
      milestones: plan.milestones.map(([name, planned]) => ({ name, plannedOn: dayAfter(now, planned), doneOn: null })),
      createdBy: '镇创文办',
      createdAt: at(plan.start - 5),
    });
    const unitName = town.unitById.get(p.unitId)?.name ?? p.unitId;
    for (const [k, m] of reached.entries()) {
      const milestone = p.milestones.find((x) => x.name === m[0]);
      const share = k === reached.length - 1 ? plan.percent : Math.round((plan.percent * (k + 1)) / (reached.length + 1));
      const next = await store.projects.update(
        p.id,
        p.version,
        { percent: share, milestones: milestone ? [{ id: milestone.id, doneOn: dayAfter(now, m[2] as number) }] : [] },
        { actor: unitName, at: at(m[2] as number), note: `「${m[0]}」完成` },
      );
      if (next) p = next;
    }
    if (reached.length === 0 || p.percent !== plan.percent)
      await store.projects.update(p.id, p.version, { percent: plan.percent }, { actor: unitName, at: at(-2), note: '月度进度填报' });
  }
  return PROJECTS.length;
}
