import { type LegendInput, legendGroups, OVERDUE_OUTLINE_CSS } from '../map/legend-groups.ts';

/** The legend of what the map shows now: heat or hexagons by weight, a choropleth's fixed scale, status colours. */
export function Legend(props: LegendInput) {
  return (
    <div className="legend" role="img" aria-label="图例">
      {legendGroups(props).map((g) => (
        <div key={g.title} className="legend-group">
          <div className="legend-title">{g.title}</div>
          {g.ramp && (
            <>
              <div className="legend-ramp" style={{ background: `linear-gradient(to right, ${g.ramp.join(',')})` }} />
              <div className="legend-ends">
                <span>少</span>
                <span>多</span>
              </div>
            </>
          )}
          {g.rows.map((r) => (
            <div key={r.label} className="legend-row">
              <span
                className={r.shape === 'swatch' ? 'swatch' : 'dot'}
                style={{ background: r.color, boxShadow: r.shape === 'overdue' ? `0 0 0 2px ${OVERDUE_OUTLINE_CSS}` : undefined }}
              />
              {r.label}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
