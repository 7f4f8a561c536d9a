import type { ExpressionSpecification } from 'maplibre-gl';

/**
 * The fixed colour scale of the grid choropleth of rectification rate (整改率): the same breaks for
 * every period and filter, so two maps can be compared side by side.
 */
export const RATE_SCALE: { from: number; color: string; label: string }[] = [
  { from: 0, color: '#c62828', label: '< 60%' },
  { from: 0.6, color: '#ef6c00', label: '60–75%' },
  { from: 0.75, color: '#f9a825', label: '75–85%' },
  { from: 0.85, color: '#9ccc65', label: '85–95%' },
  { from: 0.95, color: '#2e7d32', label: '≥ 95%' },
];
export const NO_DATA_COLOR = '#cfd8dc';

/** MapLibre expression colouring a grid by its `rate` property (null: no problems). */
export function rateColor(): ExpressionSpecification {
  const steps = RATE_SCALE.slice(1).flatMap((s) => [s.from, s.color]);
  return ['case', ['==', ['get', 'rate'], null], NO_DATA_COLOR, ['step', ['get', 'rate'], RATE_SCALE[0].color, ...steps]] as ExpressionSpecification;
}
