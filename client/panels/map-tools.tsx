import type { useBasemap } from '../map/use-basemap.ts';
import { METRICS, type ViewState, WEIGHTS } from '../state/view-state.ts';
import { Select } from './controls.tsx';

/**
 * The map's own choices, top right: what colours the grids (着色指标; units are not offered 巡查覆盖)
 * or weighs the heat (热力权重), and the basemap when there is more than the offline one.
 */
export function MapTools({
  view,
  unit,
  basemap,
  onView,
}: {
  view: ViewState;
  unit: boolean;
  basemap: ReturnType<typeof useBasemap>;
  onView: (v: ViewState) => void;
}) {
  return (
    <div className="map-tools">
      {view.mode === 'grid' ? (
        <Select
          label="着色指标"
          value={view.metric}
          choices={unit ? METRICS.filter((m) => m.code !== 'patrol') : METRICS}
          onChange={(metric) => metric && onView({ ...view, metric })}
        />
      ) : (
        <Select label="热力权重" value={view.weight} choices={WEIGHTS} onChange={(weight) => weight && onView({ ...view, weight })} />
      )}
      {basemap.basemaps.length > 1 && (
        <Select
          label="底图"
          value={basemap.chosen?.id ?? 'offline'}
          choices={basemap.basemaps.map((b) => ({ code: b.id, name: b.name }))}
          onChange={(id) => id && basemap.choose(id)}
        />
      )}
    </div>
  );
}
