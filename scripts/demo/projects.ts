import type { Geometry, Position } from 'geojson';
import townJson from '../../data/yandong.json' with { type: 'json' };
import { shanghaiDate, shanghaiMidnight } from '../../server/domain/calendar.ts';
import type { Store } from '../../server/store/store.ts';
import type { TownData } from '../../server/town-data.ts';

/** The demo's key projects (演示数据): eight works in 李灶 and 东南 whose dates show every status. */

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A date `days` after the Shanghai date of `ms`. */
export const dayAfter = (ms: number, days: number) => shanghaiDate(shanghaiMidnight(shanghaiDate(ms)) + days * DAY + 12 * HOUR);

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
export async function seedDemoProjects(store: Store, town: TownData, now: number): Promise<number> {
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
