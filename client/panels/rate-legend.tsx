import { NO_DATA_COLOR, RATE_SCALE } from '../map/choropleth.ts';

/** The legend of the fixed rectification-rate scale. */
export function RateLegend() {
  return (
    <div className="legend" role="img" aria-label="图例">
      <div className="legend-title">网格整改率</div>
      {[...RATE_SCALE].reverse().map((s) => (
        <div key={s.label} className="legend-row">
          <span className="swatch" style={{ background: s.color }} />
          {s.label}
        </div>
      ))}
      <div className="legend-row">
        <span className="swatch" style={{ background: NO_DATA_COLOR }} />
        无问题
      </div>
    </div>
  );
}
