import { type AreaRow, api, type CategoryRow, type GridStats, type Hotspot, type Summary, type UnitRow } from '../api/client.ts';
import { pointColumns } from '../map/layers.ts';
import type { RankBy, ViewState } from './view-state.ts';

/** Data for the current filters, replaced as one piece so every panel shows the same query. */
export interface Filtered {
  query: string;
  summary: Summary;
  columns: ReturnType<typeof pointColumns>;
  gridStats: Map<string, GridStats>;
  categories: CategoryRow[];
  communities: AreaRow[];
  units: UnitRow[];
  hotspots: Hotspot[];
}

/** The key of a load: what the filters ask (`query`), the ranking's measure, and a revision that reloads. */
export const filteredKey = (revision: number, rank: RankBy, query: string) => `${revision}|${rank}|${query}`;

/**
 * Loads everything the map page shows for one filter query at once. `weight` is the heat weight
 * on screen: its column is made with the points, for the first heatmap frame.
 */
export async function loadFiltered(key: string, weight: ViewState['weight']): Promise<Filtered> {
  const [, rank, q] = key.split('|') as [string, RankBy, string];
  const [summary, points, gridStats, categories, communities, units, hotspots] = await Promise.all([
    api.summary(q),
    api.points(q),
    api.gridStats(q),
    api.categoryStats(q),
    api.communityStats(q, rank),
    api.unitStats(q),
    api.hotspots(q),
  ]);
  const start = performance.now();
  const columns = pointColumns(points);
  // What the first heatmap frame needs; other columns are made when their layer is shown.
  columns.offsets;
  columns.weight(weight);
  performance.measure('points-columns', { start, end: performance.now() });
  return {
    query: q,
    summary,
    columns,
    gridStats: new Map(gridStats.map((g) => [g.id, g])),
    categories,
    communities,
    units,
    hotspots: hotspots.slice(0, 8),
  };
}
