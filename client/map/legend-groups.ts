import type { Metric, Mode } from '../state/view-state.ts';
import { NO_DATA_COLOR, SCALES } from './choropleth.ts';
import { HEAT_COLORS, OVERDUE_OUTLINE, SITE_RESULT_COLORS, SITE_RESULT_NAMES, STATUS_COLORS } from './layers.ts';

/** A legend entry: a colour swatch (areas), a dot (points) or the overdue outline. */
export interface LegendRow {
  color: string;
  label: string;
  shape: 'swatch' | 'dot' | 'overdue';
}

export interface LegendGroup {
  title: string;
  rows: LegendRow[];
  /** A colour ramp from few to many, for heat and hexagons. */
  ramp?: string[];
}

export interface LegendInput {
  mode: Mode;
  metric: Metric;
  /** The name of the heat's weight, e.g. 问题数. */
  weightName: string;
  /** Single problems are drawn (street zoom). */
  street: boolean;
  statuses: { code: string; name: string }[];
  /** Key sites are drawn (coloured by their latest check). */
  sites?: boolean;
  /** The month the village scores are of (YYYY-MM), when the grids are coloured by them. */
  scoreMonth?: string | null;
}

const rgb = (c: readonly number[]) => `rgb(${c.slice(0, 3).join(',')})`;

/** The dark red outline of an overdue problem's dot, as CSS. */
export const OVERDUE_OUTLINE_CSS = rgb(OVERDUE_OUTLINE);

/**
 * What the map shows now, as legend groups: the choropleth's fixed scale, or the heat or hexagon
 * ramp (the heat gives way to the single problems at street zoom), and the status colours of the
 * problems when they are drawn. The legend on the screen and the one in an exported PNG both say this.
 */
export function legendGroups(v: LegendInput): LegendGroup[] {
  const groups: LegendGroup[] = [];
  if (v.mode === 'grid') {
    const scale = SCALES[v.metric];
    groups.push({
      title: v.metric === 'score' && v.scoreMonth ? `村居考核得分（${Number(v.scoreMonth.slice(0, 4))}年${Number(v.scoreMonth.slice(5))}月）` : scale.title,
      rows: [
        ...[...scale.steps].reverse().map((s) => ({ color: s.color, label: s.label, shape: 'swatch' as const })),
        // Every grid has a coverage colour and a score; the problem metrics leave a grid without problems grey.
        ...(v.metric === 'patrol' || v.metric === 'score' ? [] : [{ color: NO_DATA_COLOR, label: '无问题', shape: 'swatch' as const }]),
      ],
    });
  } else if (!(v.mode === 'heat' && v.street)) {
    groups.push({ title: `${v.mode === 'hex' ? '六边形' : '热力'}：${v.weightName}`, rows: [], ramp: HEAT_COLORS.map(rgb) });
  }
  if (v.street) {
    groups.push({
      title: '问题状态',
      rows: [
        ...v.statuses.map((s, i) => ({ color: rgb(STATUS_COLORS[i]), label: s.name, shape: 'dot' as const })),
        { color: '#ffffff', label: '逾期（深红描边）', shape: 'overdue' },
      ],
    });
  }
  if (v.sites) {
    groups.push({
      title: '重点点位：最近一次检查',
      rows: (['pass', 'fail', 'veto', 'none'] as const).map((r) => ({ color: rgb(SITE_RESULT_COLORS[r]), label: SITE_RESULT_NAMES[r], shape: 'dot' as const })),
    });
  }
  return groups;
}
