import type { SceneValue } from '../../server/schemas/decks.ts';
import { api, type Photo } from '../api/client.ts';

/**
 * What a scene shows beside its map, read from the API with the scene's own filters: the figures
 * with their change against the period before, a chart's labels and series, a table's rows, a
 * case's before and after. The show, the presenter view and the PPTX export all take their numbers
 * from here, so a slide says what the API says for the same filters.
 */

type Filters = SceneValue['filters'];
type Period = NonNullable<Filters['period']>;

const DAY = 86_400_000;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether a period is one whole calendar month. */
export const isWholeMonth = (p: Period) => p.from.endsWith('-01') && p.to.slice(0, 7) === p.from.slice(0, 7) && dayOf(dayMs(p.to) + DAY).endsWith('-01');

/** The period before `p`: the month before when `p` is one whole month, else as many days just before. */
export function previousPeriod(p: Period): Period {
  const from = dayMs(p.from);
  const to = dayMs(p.to);
  const month = p.from.slice(0, 7);
  if (isWholeMonth(p)) {
    const [y, m] = month.split('-').map(Number);
    const before = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    return { from: `${before}-01`, to: dayOf(from - DAY) };
  }
  const days = Math.round((to - from) / DAY) + 1;
  return { from: dayOf(from - days * DAY), to: dayOf(from - DAY) };
}

/** The API query of a scene's filters ('' or '?…'), with another period when given. */
export function sceneQuery(f: Filters, period: Period | null = f.period): string {
  const q = new URLSearchParams();
  if (period) {
    q.set('from', period.from);
    q.set('to', period.to);
  }
  if (f.categories.length > 0) q.set('category', f.categories.join(','));
  if (f.community) q.set('community', f.community);
  if (f.grid) q.set('grid', f.grid);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const KPI_NAMES: Record<string, string> = { total: '问题总数', newReports: '新发现问题', closed: '已整改', rate: '整改率', overdue: '逾期未改' };

export interface Kpi {
  key: string;
  label: string;
  value: number | null;
  /** The same figure for the period before (null without a period). */
  previous: number | null;
  format: 'count' | 'percent';
}

export interface Chart {
  kind: 'trend' | 'categories' | 'ranking' | 'scores';
  title: string;
  labels: string[];
  series: { name: string; values: (number | null)[] }[];
  format: 'count' | 'percent' | 'score';
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Case {
  id: number;
  category: string;
  address: string;
  description: string;
  reportedAt: string;
  closedAt: string | null;
  before: Photo[];
  after: Photo[];
}

export type SideData =
  | { kind: 'none' }
  | { kind: 'text'; body: string }
  | { kind: 'kpis'; kpis: Kpi[] }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'table'; table: Table }
  | { kind: 'case'; case: Case };

type Summary = Awaited<ReturnType<typeof api.summary>>;
const kpiValue = (s: Summary, key: string): number | null =>
  key === 'rate' ? s.rectificationRate : key === 'closed' ? s.closed : key === 'overdue' ? s.overdue : s.total;

/** The side element's data of a scene, from the API. */
export async function loadSideData(scene: SceneValue): Promise<SideData> {
  const side = scene.side;
  const f = scene.filters;
  switch (side.kind) {
    case 'none':
      return side;
    case 'text':
      return side;
    case 'kpis': {
      const [now, before] = await Promise.all([api.summary(sceneQuery(f)), f.period ? api.summary(sceneQuery(f, previousPeriod(f.period))) : null]);
      return {
        kind: 'kpis',
        kpis: side.items.map((key) => ({
          key,
          label: KPI_NAMES[key],
          value: kpiValue(now, key),
          previous: before ? kpiValue(before, key) : null,
          format: key === 'rate' ? 'percent' : 'count',
        })),
      };
    }
    case 'chart': {
      if (side.chart === 'trend') {
        const periods = await api.trend(sceneQuery(f), 'month');
        return {
          kind: 'chart',
          chart: {
            kind: 'trend',
            title: '上报与销号（按月）',
            labels: periods.map((p) => p.period),
            series: [
              { name: '上报', values: periods.map((p) => p.reported) },
              { name: '销号', values: periods.map((p) => p.closed) },
            ],
            format: 'count',
          },
        };
      }
      if (side.chart === 'categories') {
        const rows = (await api.categoryStats(sceneQuery(f))).filter((r) => r.total > 0).slice(0, 10);
        return {
          kind: 'chart',
          chart: {
            kind: 'categories',
            title: '问题类型',
            labels: rows.map((r) => r.name),
            series: [
              { name: '问题数', values: rows.map((r) => r.total) },
              { name: '已整改', values: rows.map((r) => r.closed) },
            ],
            format: 'count',
          },
        };
      }
      if (side.chart === 'scores') {
        // the assessment of the month the scene's period starts in (this month without one)
        const month = (f.period?.from ?? new Date().toISOString()).slice(0, 7);
        const { scores } = await api.scores(month);
        return {
          kind: 'chart',
          chart: {
            kind: 'scores',
            title: `${Number(month.slice(5, 7))}月村居考核得分`,
            labels: scores.map((s) => (s.vetoes.length > 0 ? `${s.name}（否决）` : s.name)),
            series: [{ name: '得分', values: scores.map((s) => s.score) }],
            format: 'score',
          },
        };
      }
      const rows = (await api.communityStats(sceneQuery(f), 'rectificationRate')).filter((r) => r.total > 0);
      return {
        kind: 'chart',
        chart: {
          kind: 'ranking',
          title: '村居整改率',
          labels: rows.map((r) => r.name),
          series: [{ name: '整改率', values: rows.map((r) => r.rectificationRate) }],
          format: 'percent',
        },
      };
    }
    case 'table': {
      const rows = (await api.unitStats(sceneQuery(f), 'overdue')).filter((r) => r.overdue > 0).slice(0, side.limit);
      return {
        kind: 'table',
        table: {
          title: '逾期未改（按责任单位）',
          columns: ['责任单位', '逾期未改', '未办结', '按期整改率'],
          rows: rows.map((r) => [r.name, r.overdue, r.open, r.onTimeRate === null ? '—' : `${(r.onTimeRate * 100).toFixed(1)}%`]),
        },
      };
    }
    case 'case': {
      const p = await api.problem(side.problemId);
      return {
        kind: 'case',
        case: {
          id: p.id,
          category: p.categoryName,
          address: p.address,
          description: p.description,
          reportedAt: p.reportedAt,
          closedAt: p.closedAt,
          before: p.photos.filter((x) => x.kind === 'before'),
          after: p.photos.filter((x) => x.kind === 'after'),
        },
      };
    }
  }
}

/** The words a figure's change is said against: 较上月 when the scene's period is one whole month, else 较上期. */
export function againstWord(scene: SceneValue): string {
  const p = scene.filters.period;
  return p && previousPeriod(p).from.slice(0, 7) !== p.from.slice(0, 7) && p.from.endsWith('-01') && p.to.slice(0, 7) === p.from.slice(0, 7)
    ? '较上月'
    : '较上期';
}

/** Up is good for closures and the rate; bad for reports and overdue problems. */
const UP_IS_GOOD = new Set(['closed', 'rate']);

/**
 * A figure's change against the period before, in words and tone: 较上期 ▲12.5% for counts,
 * ▲2.3 个百分点 for the rate; 上期无 when there was nothing before.
 */
export function kpiChange(k: Kpi, against = '较上期'): { text: string; tone: 'good' | 'bad' | '' } | null {
  if (k.previous === null || k.value === null) return null;
  const diff = k.value - k.previous;
  const tone = diff === 0 ? '' : diff > 0 === UP_IS_GOOD.has(k.key) ? 'good' : 'bad';
  const arrow = diff > 0 ? '▲' : '▼';
  if (k.format === 'percent') return { text: diff === 0 ? `${against}持平` : `${against} ${arrow}${Math.abs(diff * 100).toFixed(1)} 个百分点`, tone };
  if (k.previous === 0) return { text: k.value === 0 ? `${against}持平` : `${against}上期无`, tone: '' };
  return { text: diff === 0 ? `${against}持平` : `${against} ${arrow}${Math.abs((diff / k.previous) * 100).toFixed(1)}%`, tone };
}

/** A figure as a slide writes it. */
export const kpiText = (k: Kpi) => (k.value === null ? '—' : k.format === 'percent' ? `${(k.value * 100).toFixed(1)}%` : k.value.toLocaleString('zh-CN'));
