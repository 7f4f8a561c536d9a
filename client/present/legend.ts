import type { SceneValue } from '../../server/schemas/decks.ts';
import { SCALES } from '../map/choropleth.ts';
import { HEAT_COLORS } from '../map/layers.ts';
import { BIN_RADIUS_M, type BinScale } from './bins.ts';

/** A colour as CSS `#rrggbb`. */
export const cssColor = (c: [number, number, number]) => `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;

/** What a scene's map legend says: a title and either steps (colour and label) or a low-to-high ramp. */
export interface LegendSpec {
  title: string;
  steps: { color: string; label: string }[];
  /** The heat's colours, light to dark (a ramp from 少 to 多), when there are no steps. */
  ramp: string[] | null;
  /** The top of a shared hexagon scale. */
  domain: number | null;
}

/** The hexagons' shared scale, over `over` (两图, 全年). */
export function binLegend(scale: BinScale, over: string): LegendSpec {
  return {
    title: `每个蜂窝（边长 ${BIN_RADIUS_M} 米）内问题数 · ${over}同一色标`,
    steps: scale.steps.map((s) => ({ color: cssColor(s.color), label: s.label })),
    ramp: null,
    domain: scale.max,
  };
}

/** The legend of a scene's map: the comparison's shared scale, the grid colours, or the heat ramp. One rule for the slide and the PPTX. */
export function sceneLegend(scene: SceneValue, scale: BinScale | null): LegendSpec {
  if (scale) return binLegend(scale, '两图');
  const mode = scene.map.mode;
  if (mode === 'grid' || mode === 'patrol') {
    const s = SCALES[mode === 'patrol' ? 'patrol' : scene.map.metric];
    return { title: s.title, steps: s.steps.map((x) => ({ color: x.color, label: x.label })), ramp: null, domain: null };
  }
  return { title: mode === 'hex' ? '问题数（柱高与颜色）' : '问题密度', steps: [], ramp: HEAT_COLORS.map(cssColor), domain: null };
}
