import { shanghaiDate, startOfShanghaiMonth } from '../../server/domain/calendar.ts';

/** Period presets: 近7天, 近30天, 本月, 本季度, 全部; `custom` takes `from`/`to`. */
export const PERIODS = [
  { code: '7d', name: '近7天' },
  { code: '30d', name: '近30天' },
  { code: 'month', name: '本月' },
  { code: 'quarter', name: '本季度' },
  { code: 'all', name: '全部' },
] as const;

export type Period = (typeof PERIODS)[number]['code'] | 'custom';

/** 热力图, 3D 六边形, 网格着色 (choropleth). */
export const MODES = [
  { code: 'heat', name: '热力图' },
  { code: 'hex', name: '3D六边形' },
  { code: 'grid', name: '网格着色' },
] as const;
export type Mode = (typeof MODES)[number]['code'];

/** What the heatmap and hexagons count. */
export const WEIGHTS = [
  { code: 'reported', name: '全部上报' },
  { code: 'backlog', name: '未整改存量' },
  { code: 'overdue', name: '逾期未改' },
] as const;
export type Weight = (typeof WEIGHTS)[number]['code'];

/** What the grid choropleth shows. */
export const METRICS = [
  { code: 'rate', name: '整改率' },
  { code: 'overdue', name: '逾期数' },
  { code: 'density', name: '每平方公里问题数' },
  { code: 'patrol', name: '巡查覆盖' },
  { code: 'score', name: '村居考核得分' },
] as const;
export type Metric = (typeof METRICS)[number]['code'];

/** What the 村居排名 chart ranks by; each is a sort of /api/stats/communities. */
export const RANKS = [
  { code: 'total', name: '按问题数' },
  { code: 'perKm2', name: '按密度' },
  { code: 'rectificationRate', name: '按整改率' },
] as const;
export type RankBy = (typeof RANKS)[number]['code'];

/** What the page shows, held in the URL so that a link reproduces the view. */
export interface ViewState {
  mode: Mode;
  weight: Weight;
  metric: Metric;
  period: Period;
  /** The custom range (YYYY-MM-DD, both days included); only with period `custom`. */
  from: string | null;
  to: string | null;
  /** The month (YYYY-MM) the playback shows; it replaces the period while set. */
  month: string | null;
  /** Selected category codes; empty = all. */
  categories: string[];
  /** Selected status codes; empty = all. */
  statuses: string[];
  source: string | null;
  community: string | null;
  /** Only the problems of this responsible unit. */
  unit: string | null;
  /** What the 村居排名 chart ranks by. */
  rank: RankBy;
  /** Only the problems of this grid (a filter; `grid` is the panel). */
  filterGrid: string | null;
  /** The grid whose panel is open. */
  grid: string | null;
  /** The problem whose card is open. */
  problem: number | null;
}

export const DEFAULT_VIEW: ViewState = {
  mode: 'heat',
  weight: 'reported',
  metric: 'rate',
  period: 'all',
  from: null,
  to: null,
  month: null,
  categories: [],
  statuses: [],
  source: null,
  community: null,
  unit: null,
  rank: 'total',
  filterGrid: null,
  grid: null,
  problem: null,
};

/** The codes the page knows, to drop anything else from a hand-edited link. */
export interface Known {
  categories: readonly string[];
  statuses: readonly string[];
  sources: readonly string[];
}

const CODE = /^[a-z0-9_-]{1,64}$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function oneOf<T extends string>(list: readonly { code: T }[], value: string | null, fallback: T): T {
  return list.find((x) => x.code === value)?.code ?? fallback;
}

function codes(raw: string | null, known: readonly string[]): string[] {
  return (raw ?? '')
    .split(',')
    .filter((c) => known.includes(c))
    .filter((c, i, all) => all.indexOf(c) === i);
}

const code = (raw: string | null) => (raw && CODE.test(raw) ? raw : null);

/** Reads a view from a query string, keeping only well-formed values (a bad link shows the default). */
export function parseViewState(search: string, known: Known): ViewState {
  const q = new URLSearchParams(search);
  let period: Period = q.get('period') === 'custom' ? 'custom' : oneOf(PERIODS, q.get('period'), 'all');
  let from = q.get('from');
  let to = q.get('to');
  if (period === 'custom' && from && to && DATE.test(from) && DATE.test(to) && from <= to) {
    // a valid custom range
  } else {
    if (period === 'custom') period = 'all';
    from = null;
    to = null;
  }
  const month = q.get('month');
  const problem = Number(q.get('problem'));
  return {
    mode: oneOf(MODES, q.get('mode'), 'heat'),
    weight: oneOf(WEIGHTS, q.get('weight'), 'reported'),
    metric: oneOf(METRICS, q.get('metric'), 'rate'),
    period,
    from,
    to,
    month: month && MONTH.test(month) ? month : null,
    categories: codes(q.get('cat'), known.categories),
    statuses: codes(q.get('status'), known.statuses),
    source: known.sources.includes(q.get('source') ?? '') ? q.get('source') : null,
    community: code(q.get('community')),
    unit: code(q.get('unit')),
    rank: oneOf(RANKS, q.get('rank'), 'total'),
    filterGrid: code(q.get('fgrid')),
    grid: code(q.get('grid')),
    problem: Number.isSafeInteger(problem) && problem > 0 ? problem : null,
  };
}

/** The query string of a view (without defaults), for the address bar. */
export function viewStateSearch(v: ViewState): string {
  const q = new URLSearchParams();
  if (v.mode !== 'heat') q.set('mode', v.mode);
  if (v.weight !== 'reported') q.set('weight', v.weight);
  if (v.metric !== 'rate') q.set('metric', v.metric);
  if (v.period !== 'all') q.set('period', v.period);
  if (v.period === 'custom' && v.from && v.to) {
    q.set('from', v.from);
    q.set('to', v.to);
  }
  if (v.month) q.set('month', v.month);
  if (v.categories.length > 0) q.set('cat', v.categories.join(','));
  if (v.statuses.length > 0) q.set('status', v.statuses.join(','));
  if (v.source) q.set('source', v.source);
  if (v.community) q.set('community', v.community);
  if (v.unit) q.set('unit', v.unit);
  if (v.rank !== 'total') q.set('rank', v.rank);
  if (v.filterGrid) q.set('fgrid', v.filterGrid);
  if (v.grid) q.set('grid', v.grid);
  if (v.problem !== null) q.set('problem', String(v.problem));
  const s = q.toString().replaceAll('%2C', ',');
  return s ? `?${s}` : '';
}

const DAY = 86_400_000;

/** The first day (YYYY-MM-DD, Asia/Shanghai) of a period preset as of `now`; null for 全部 and custom. */
export function periodStart(period: Period, now: number): string | null {
  switch (period) {
    case '7d':
      return shanghaiDate(now - 6 * DAY);
    case '30d':
      return shanghaiDate(now - 29 * DAY);
    case 'month':
      return shanghaiDate(startOfShanghaiMonth(now));
    case 'quarter': {
      const [y, m] = shanghaiDate(now).split('-').map(Number);
      return `${y}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
    }
    default:
      return null;
  }
}

/** The last day (YYYY-MM-DD) of a month YYYY-MM. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

/** The days the view covers (YYYY-MM-DD, both included; null = open end): playback month, custom range or preset. */
export function viewRange(v: ViewState, now: number): { from: string | null; to: string | null } {
  if (v.month) return { from: `${v.month}-01`, to: monthEnd(v.month) };
  if (v.period === 'custom') return { from: v.from, to: v.to };
  return { from: periodStart(v.period, now), to: null };
}

/** The API filter query of everything but time (categories, status, source, area). */
export function apiAreaQuery(v: ViewState): string[] {
  const q: string[] = [];
  if (v.categories.length > 0) q.push(`category=${v.categories.join(',')}`);
  if (v.statuses.length > 0) q.push(`status=${v.statuses.join(',')}`);
  if (v.source) q.push(`source=${v.source}`);
  if (v.community) q.push(`community=${v.community}`);
  if (v.unit) q.push(`unit=${v.unit}`);
  if (v.filterGrid) q.push(`grid=${v.filterGrid}`);
  return q;
}

/** The API filter query for a view, periods taken as of `now` (the server's clock). */
export function apiFilterQuery(v: ViewState, now: number): string {
  const { from, to } = viewRange(v, now);
  const q = [...(from ? [`from=${from}`] : []), ...(to ? [`to=${to}`] : []), ...apiAreaQuery(v)];
  return q.length > 0 ? `?${q.join('&')}` : '';
}

/** The same query without the time range (for the trend chart and the playback's months). */
export function apiTimelessQuery(v: ViewState): string {
  const q = apiAreaQuery(v);
  return q.length > 0 ? `?${q.join('&')}` : '';
}

function toggle(list: string[], c: string): string[] {
  return list.includes(c) ? list.filter((x) => x !== c) : [...list, c];
}

/** A view with one category switched on or off. */
export function toggleCategory(v: ViewState, c: string): ViewState {
  return { ...v, categories: toggle(v.categories, c) };
}

/** A view with one status switched on or off. */
export function toggleStatus(v: ViewState, s: string): ViewState {
  return { ...v, statuses: toggle(v.statuses, s) };
}

/** The time the view covers, in words, for the charts' titles: 全部时间, 2026年11月, 2026-11-01 至 2026-11-27. */
export function windowLabel(v: ViewState, now: number): string {
  const { from, to } = viewRange(v, now);
  return v.month ? `${v.month.replace('-', '年')}月` : from ? `${from} 至 ${to ?? shanghaiDate(now)}` : '全部时间';
}

/** The filters in words, for the exported image and the page title. */
export function describeFilters(
  v: ViewState,
  now: number,
  names: {
    category: (c: string) => string;
    status: (s: string) => string;
    source: (s: string) => string;
    area: (id: string) => string;
    unit: (id: string) => string;
  },
): string {
  const parts = [windowLabel(v, now), v.categories.length > 0 ? v.categories.map(names.category).join('、') : '全部类型'];
  if (v.statuses.length > 0) parts.push(v.statuses.map(names.status).join('、'));
  if (v.source) parts.push(names.source(v.source));
  if (v.community) parts.push(names.area(v.community));
  if (v.unit) parts.push(names.unit(v.unit));
  if (v.filterGrid) parts.push(names.area(v.filterGrid));
  return parts.join(' · ');
}
