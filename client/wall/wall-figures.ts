import { shanghaiDate } from '../../server/domain/calendar.ts';
import {
  type AreaRow,
  api,
  type CategoryRow,
  type Comparison,
  type Coverage,
  type FeedItem,
  type GridStats,
  type Hotspot,
  type Scores,
  type Summary,
  type TrendPoint,
} from '../api/client.ts';

const DAY_MS = 86_400_000;

/** The days the wall's trend and hotspot panels cover. */
export const WALL_WINDOW_DAYS = 30;

/** The figures of the wall's panels: small answers, reloaded on every change. */
export interface Figures {
  summary: Summary;
  categories: CategoryRow[];
  /** By density (problems per km²): the tour's "densest community" scenes. */
  communities: AreaRow[];
  /** This month's assessment of the villages (last month's in its first days), best first, with the 红黑榜: the 村居考核排名 panel. */
  ranking: Scores;
  /** Which month the ranking is of, in words: 本月考核得分, or 11月考核得分. */
  rankingLabel: string;
  /** By overdue: the tour's "grid most behind" scene. */
  grids: GridStats[];
  trend: TrendPoint[];
  /** The last 30 days' hotspots with their change against the 30 days before. */
  hotspots: Hotspot[];
  feed: FeedItem[];
  /** 环比: this week's and this month's reports and closures against the same part of the ones before. */
  compare: Comparison;
  /** 巡查覆盖 of the last 7 days: the tour's coverage scene. */
  coverage: Coverage;
  /** When they were loaded (the page's clock). */
  at: number;
}

/**
 * The trend's days: the 30 whole days up to yesterday. Today is still running and would plunge
 * the line at its right edge; today's count is on the 今日新增 KPI.
 */
export function trendWindow(now: number): { from: string; to: string } {
  return { from: shanghaiDate(now - WALL_WINDOW_DAYS * DAY_MS), to: shanghaiDate(now - DAY_MS) };
}

/** The hotspots' window: the last 30 days, today included, so that each has a previous period to compare with. */
export function hotspotWindow(now: number): { from: string; to: string } {
  return { from: shanghaiDate(now - (WALL_WINDOW_DAYS - 1) * DAY_MS), to: shanghaiDate(now) };
}

/** A bar of 问题类型分布. */
export interface CategoryBar {
  name: string;
  total: number;
  color: string;
}

/** The colour of the 其他 bar. */
const OTHER_COLOR = '#64748b';

/**
 * 问题类型分布 in at most `max` bars, most frequent first: when more categories have problems, the
 * smallest are summed into one 其他（N类） bar, so that the bars still add up to every problem.
 */
export function categoryBars(rows: readonly CategoryRow[], max = 10): CategoryBar[] {
  const present = rows.filter((r) => r.total > 0).sort((a, b) => b.total - a.total);
  if (present.length <= max) return present.map((r) => ({ name: r.name, total: r.total, color: r.color }));
  const shown = present.slice(0, max - 1).map((r) => ({ name: r.name, total: r.total, color: r.color }));
  const rest = present.slice(max - 1);
  return [...shown, { name: `其他（${rest.length}类）`, total: rest.reduce((n, r) => n + r.total, 0), color: OTHER_COLOR }];
}

/** The month before a YYYY-MM month. */
const monthBefore = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/**
 * The villages' assessment for the wall: this month's, or last month's while this one has neither a
 * 红榜 nor a 黑榜 yet (its first days: every village at the same score), so the panel never ranks
 * villages that nothing tells apart.
 */
async function rankingOf(now: number): Promise<{ ranking: Scores; rankingLabel: string }> {
  const month = shanghaiDate(now).slice(0, 7);
  const current = await api.scores(month);
  // a 红榜 or a 黑榜: the scores tell the villages apart (server/domain/scores.ts redBlackLists)
  if (current.red.length > 0 || current.black.length > 0) return { ranking: current, rankingLabel: '本月考核得分' };
  const last = monthBefore(month);
  return { ranking: await api.scores(last), rankingLabel: `${Number(last.slice(5))}月考核得分` };
}

/** Loads every panel's figures at once, as of the server's `now`. */
export async function loadFigures(now: number): Promise<Figures> {
  const trend = trendWindow(now);
  const hot = hotspotWindow(now);
  const [summary, categories, communities, ranking, grids, trendPeriods, hotspots, feed, compare, coverage] = await Promise.all([
    api.summary(),
    api.categoryStats(),
    api.communityStats('', 'perKm2'),
    rankingOf(now),
    api.gridStats('', 'overdue'),
    api.trend(`?from=${trend.from}&to=${trend.to}`, 'day'),
    api.hotspots(`?from=${hot.from}&to=${hot.to}`),
    api.feed(12),
    api.compare(),
    api.coverage(7),
  ]);
  return { summary, categories, communities, ...ranking, grids, trend: trendPeriods, hotspots, feed, compare, coverage, at: Date.now() };
}
