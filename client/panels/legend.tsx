import { NO_DATA_COLOR, SCALES } from '../map/choropleth.ts';
import { HEAT_COLORS, STATUS_COLORS } from '../map/layers.ts';
import { type Metric, type Mode, WEIGHTS, type Weight } from '../state/view-state.ts';

const rgb = (c: [number, number, number]) => `rgb(${c.join(',')})`;

export interface LegendProps {
  mode: Mode;
  weight: Weight;
  metric: Metric;
  /** Single problems are drawn (street zoom). */
  street: boolean;
  statuses: { code: string; name: string }[];
}

/** The legend of what the map shows now: heat or hexagons by weight, a choropleth's fixed scale, status colours. */
export function Legend({ mode, weight, metric, street, statuses }: LegendProps) {
  const weightName = WEIGHTS.find((w) => w.code === weight)?.name;
  return (
    <div className="legend" role="img" aria-label="图例">
      {mode === 'grid' ? (
        <>
          <div className="legend-title">{SCALES[metric].title}</div>
          {[...SCALES[metric].steps].reverse().map((s) => (
            <div key={s.label} className="legend-row">
              <span className="swatch" style={{ background: s.color }} />
              {s.label}
            </div>
          ))}
          <div className="legend-row">
            <span className="swatch" style={{ background: NO_DATA_COLOR }} />
            无问题
          </div>
        </>
      ) : mode === 'heat' && street ? null : (
        <>
          <div className="legend-title">
            {mode === 'hex' ? '六边形' : '热力'}：{weightName}
          </div>
          <div className="legend-ramp" style={{ background: `linear-gradient(to right, ${HEAT_COLORS.map(rgb).join(',')})` }} />
          <div className="legend-ends">
            <span>少</span>
            <span>多</span>
          </div>
        </>
      )}
      {street && (
        <>
          <div className="legend-title">问题状态</div>
          {statuses.map((s, i) => (
            <div key={s.code} className="legend-row">
              <span className="dot" style={{ background: rgb(STATUS_COLORS[i]) }} />
              {s.name}
            </div>
          ))}
          <div className="legend-row">
            <span className="dot overdue-dot" />
            逾期（深红描边）
          </div>
        </>
      )}
    </div>
  );
}
