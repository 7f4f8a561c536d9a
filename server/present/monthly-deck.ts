import type { Static } from 'typebox';
import type { SceneValue } from '../schemas/decks.ts';
import type { ScoresAnswer } from '../schemas/scores.ts';
import type { AreaRow, HotspotRow } from '../schemas/stats.ts';
import type { DeckDraft } from '../store/deck-store.ts';

/**
 * 月度创文工作通报: the monthly report deck, made from the API's own answers for the month (so every
 * figure it names is what the API says for the same filters). No place is named here: the town, its
 * hotspots, villages and cases all come from the data.
 */

/** Hotspot scenes: the month's strongest hotspots. */
export const HOTSPOT_SCENES = 2;
/** Typical cases (典型案例): problems closed in the month with a before and an after photo. */
export const CASE_SCENES = 2;

export interface MonthSpan {
  /** YYYY-MM */
  month: string;
  from: string;
  to: string;
  previous: { from: string; to: string };
  /** The 12 months ending with this one. */
  year: { from: string; to: string };
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The days of a month (YYYY-MM), of the month before and of the 12 months ending with it. */
export function monthSpan(month: string): MonthSpan {
  const [y, m] = month.split('-').map(Number);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const sy = m === 12 ? y : y - 1;
  const sm = m === 12 ? 1 : m + 1;
  return {
    month,
    from: `${y}-${pad(m)}-01`,
    to: `${y}-${pad(m)}-${pad(lastDay(y, m))}`,
    previous: { from: `${py}-${pad(pm)}-01`, to: `${py}-${pad(pm)}-${pad(lastDay(py, pm))}` },
    year: { from: `${sy}-${pad(sm)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` },
  };
}

/** What the deck is made from: the API's answers for the month, and the town's name. */
export interface MonthFacts {
  town: string;
  span: MonthSpan;
  hotspots: Static<typeof HotspotRow>[];
  communities: Static<typeof AreaRow>[];
  /** The month's assessment of the villages (GET /api/scores), best first, with its 红黑榜. */
  scores: Static<typeof ScoresAnswer>;
  /** Problems closed in the month with a before and an after photo, most recent first. */
  cases: { id: number; title: string; place: string }[];
  recurrences: number;
}

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const monthName = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;

/** The deck's scenes, in the order of the report. */
export function monthlyDeck(f: MonthFacts): DeckDraft {
  const { span } = f;
  const period = { from: span.from, to: span.to };
  const base = (id: string, title: string, over: Partial<SceneValue>): SceneValue => ({
    id,
    title,
    caption: '',
    camera: null,
    map: { mode: 'heat', metric: 'rate' },
    filters: { period, categories: [], community: null, grid: null },
    compareWith: null,
    outline: [],
    side: { kind: 'none' },
    notes: '',
    ...over,
  });
  const name = monthName(span.month);
  const scenes: SceneValue[] = [
    base('cover', `${f.town}${name}创文工作通报`, {
      map: { mode: 'none', metric: 'rate' },
      side: { kind: 'text', body: `${f.town}创建全国文明城市工作领导小组办公室` },
      notes: '开场：本月创文工作总体情况通报。',
    }),
    base('figures', `${name}主要数据`, {
      side: { kind: 'kpis', items: ['newReports', 'closed', 'rate', 'overdue'] },
      caption: '与上月比较',
      notes: '先讲本月新发现、已整改、整改率和逾期未改，再讲与上月的变化。',
    }),
    base('trend', '近12个月上报与销号', {
      filters: { period: span.year, categories: [], community: null, grid: null },
      side: { kind: 'chart', chart: 'trend' },
      notes: '看趋势：上报与销号是否同步，存量是否下降。',
    }),
    base('categories', `${name}问题类型`, {
      side: { kind: 'chart', chart: 'categories' },
      notes: '本月最多的几类问题及其整改情况。',
    }),
  ];
  for (const [i, h] of f.hotspots.slice(0, HOTSPOT_SCENES).entries()) {
    const change = h.change === null ? '' : `，较上月${h.change >= 0 ? '增加' : '减少'} ${Math.abs(Math.round(h.change * 100))}%`;
    scenes.push(
      base(`hotspot-${i + 1}`, `热点区域：${h.name}`, {
        camera: { center: h.center, zoom: 15, pitch: 0, bearing: 0 },
        compareWith: span.previous,
        caption: `本月 ${h.count} 件（占全镇 ${percent(h.share)}），未办结 ${h.open} 件${change}`,
        notes: `左为本月，右为上月，同一色标。${h.name}是本月问题最集中的区域之一。`,
      }),
    );
  }
  const scored = new Map(f.scores.scores.map((x) => [x.area, x]));
  const named = (ids: readonly string[], why: boolean) =>
    ids
      .flatMap((id) => {
        const x = scored.get(id);
        if (!x) return [];
        const reason = x.vetoes.length > 0 ? `一票否决：${x.vetoes.map((v) => v.name).join('、')}` : [...x.lines].sort((a, b) => a.points - b.points)[0]?.name;
        return [`${x.name} ${x.score.toFixed(1)} 分${why && reason ? `（${reason}）` : ''}`];
      })
      .join('、') || '—';
  scenes.push(
    base('red-black', '村居红黑榜', {
      map: { mode: 'grid', metric: 'score' },
      side: { kind: 'chart', chart: 'scores' },
      caption: `红榜：${named(f.scores.red, false)}；黑榜：${named(f.scores.black, true)}`,
      notes: `按本月考核得分排名（基础分加减各项考核规则，规则自 ${f.scores.rulesFrom ?? '—'} 起施行）：未被一票否决的前 3 名上红榜，后 3 名中扣了分的上黑榜（与第 3 名同分的一并列入），被一票否决的村居一律上黑榜；各村得分相同时不排红黑榜。地图按考核得分给村居着色。黑榜后括号内为扣分最多的一项或否决原因。`,
    }),
    base('overdue-units', '逾期未改问题（按责任单位）', {
      map: { mode: 'heat', metric: 'overdue' },
      filters: { period: null, categories: [], community: null, grid: null },
      side: { kind: 'table', table: 'overdue-by-unit', limit: 10 },
      notes: '点名逾期未改最多的责任单位，明确整改时限。',
    }),
  );
  for (const [i, c] of f.cases.slice(0, CASE_SCENES).entries()) {
    scenes.push(
      base(`case-${i + 1}`, `典型案例：${c.title}`, {
        map: { mode: 'none', metric: 'rate' },
        side: { kind: 'case', problemId: c.id },
        caption: c.place,
        notes: '整改前后对比。',
      }),
    );
  }
  scenes.push(
    base('recurrences', '问题反弹', {
      caption: `本月反弹 ${f.recurrences} 件（同类问题在已整改处 50 米内、90 天内再次出现）`,
      side: { kind: 'kpis', items: ['newReports'] },
      notes: '反弹说明整改不彻底，要建立长效机制。',
    }),
    base('next', '下步工作', {
      map: { mode: 'none', metric: 'rate' },
      side: { kind: 'text', body: '一、\n二、\n三、' },
      notes: '请在此填写下月重点工作。',
    }),
  );
  return { title: `${name}创文工作通报`, theme: 'light', scenes };
}
