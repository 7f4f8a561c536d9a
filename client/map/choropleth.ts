import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { GridStats } from '../api/client.ts';
import type { Metric } from '../state/view-state.ts';

/** The score a vetoed village is coloured as (below every score). */
export const VETO_SCORE = -1;

export interface ScaleStep {
  from: number;
  color: string;
  label: string;
}

/**
 * Fixed colour scales of the grid choropleth: the same breaks for every period and filter, so two
 * maps (this month and last, 李灶 and 东南) can be compared side by side. Each step covers values
 * from its `from` up to the next step's `from`.
 */
export const SCALES: Record<Metric, { title: string; property: string; steps: ScaleStep[] }> = {
  // 整改率: closed / total. Red below 60%, green from 95% (the campaign's target).
  rate: {
    title: '网格整改率',
    property: 'rate',
    steps: [
      { from: 0, color: '#c62828', label: '< 60%' },
      { from: 0.6, color: '#ef6c00', label: '60–75%' },
      { from: 0.75, color: '#f9a825', label: '75–85%' },
      { from: 0.85, color: '#9ccc65', label: '85–95%' },
      { from: 0.95, color: '#2e7d32', label: '≥ 95%' },
    ],
  },
  // 逾期数: open problems past their deadline.
  overdue: {
    title: '网格逾期未改数',
    property: 'overdue',
    steps: [
      { from: 0, color: '#e8f5e9', label: '0' },
      { from: 1, color: '#ffe0b2', label: '1–2' },
      { from: 3, color: '#ffb74d', label: '3–5' },
      { from: 6, color: '#f4511e', label: '6–10' },
      { from: 11, color: '#b71c1c', label: '> 10' },
    ],
  },
  // 每平方公里问题数: problems per km² of the grid.
  density: {
    title: '每平方公里问题数',
    property: 'density',
    steps: [
      { from: 0, color: '#fff5eb', label: '< 10' },
      { from: 10, color: '#fdd0a2', label: '10–50' },
      { from: 50, color: '#fd8d3c', label: '50–200' },
      { from: 200, color: '#d94801', label: '200–1000' },
      { from: 1000, color: '#7f2704', label: '≥ 1000' },
    ],
  },
  // 巡查覆盖: whole days since a patrol's track was last inside the grid (never within 60 days: the last step).
  patrol: {
    title: '距上次巡查天数',
    property: 'patrolDays',
    steps: [
      { from: 0, color: '#1b5e20', label: '今天/昨天' },
      { from: 2, color: '#7cb342', label: '2–3 天' },
      { from: 4, color: '#fdd835', label: '4–7 天' },
      { from: 8, color: '#fb8c00', label: '8–14 天' },
      { from: 15, color: '#b71c1c', label: '15 天以上或未巡查' },
    ],
  },
  // 村居考核得分: the village's score of the month (its grids share it); a veto (一票否决) below every step.
  score: {
    title: '村居考核得分（月度）',
    property: 'score',
    steps: [
      { from: VETO_SCORE, color: '#1f2937', label: '一票否决' },
      { from: 0, color: '#c62828', label: '< 70' },
      { from: 70, color: '#ef6c00', label: '70–80' },
      { from: 80, color: '#f9a825', label: '80–90' },
      { from: 90, color: '#9ccc65', label: '90–95' },
      { from: 95, color: '#2e7d32', label: '≥ 95' },
    ],
  },
};
export const NO_DATA_COLOR = '#cfd8dc';

/** The days a grid never patrolled (within the lookback) is coloured as: past the last step. */
export const NEVER_PATROLLED_DAYS = 999;

/** MapLibre expression colouring a grid by the metric's property (null: no problems). */
export function metricColor(metric: Metric): ExpressionSpecification {
  const { property, steps } = SCALES[metric];
  const rest = steps.slice(1).flatMap((s) => [s.from, s.color]);
  return ['case', ['==', ['get', property], null], NO_DATA_COLOR, ['step', ['get', property], steps[0].color, ...rest]] as ExpressionSpecification;
}

/**
 * The grids with the choropleth's properties (new objects; the fetched data stays as it was);
 * `patrolDays` from the coverage (days since last patrolled, null: never), when it was loaded;
 * `score` the grid's village's, when the scores were loaded.
 */
export function withStats(
  grids: FeatureCollection,
  stats: Map<string, GridStats>,
  patrolDays?: Map<string, number | null>,
  /** the month's score per village id (VETO_SCORE: vetoed), when loaded */
  scores?: Map<string, number>,
): FeatureCollection {
  return {
    ...grids,
    features: grids.features.map((f) => {
      const s = stats.get(String(f.properties?.id));
      const total = s?.total ?? 0;
      return {
        ...f,
        properties: {
          ...f.properties,
          rate: s?.rectificationRate ?? null,
          overdue: total > 0 ? (s?.overdue ?? 0) : null,
          density: total > 0 ? (s?.perKm2 ?? 0) : null,
          patrolDays: patrolDays ? (patrolDays.get(String(f.properties?.id)) ?? NEVER_PATROLLED_DAYS) : null,
          score: scores?.get(String(f.properties?.communityId)) ?? null,
        },
      };
    }),
  };
}
