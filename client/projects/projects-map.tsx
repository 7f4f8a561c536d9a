import type { Feature, FeatureCollection } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { PROJECT_STATUS_COLORS, PROJECT_STATUS_NAMES, type ProjectStatus } from '../../server/domain/projects.ts';
import { boxOf, townMap, townStyle } from '../map/town-map.ts';
import type { ProjectRow } from './projects-page.tsx';

const STATUS_ORDER: ProjectStatus[] = ['late', 'at_risk', 'on_track', 'done'];
const colorOf = [
  'match',
  ['get', 'status'],
  ...STATUS_ORDER.flatMap((s) => [s, PROJECT_STATUS_COLORS[s]]),
  '#64748b',
] as unknown as maplibregl.ExpressionSpecification;

/** The projects as features, drawn in traffic-light colours by status (the selected one wider). */
function featuresOf(projects: readonly ProjectRow[], selected: number | null): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: projects.map(
      (p): Feature => ({
        type: 'Feature',
        id: p.id,
        geometry: p.geometry,
        properties: { id: p.id, name: p.name, status: p.status, selected: p.id === selected },
      }),
    ),
  };
}

/**
 * The key projects on the town's offline basemap: points, roads and areas in traffic-light colours
 * (滞后 red, 存在风险 amber, 正常推进 green, 已完成 blue) with their names; a click selects one.
 */
export function ProjectsMap({ projects, selected, onSelect }: { projects: readonly ProjectRow[]; selected: number | null; onSelect: (id: number) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const latest = useRef({ projects, selected, onSelect });
  latest.current = { projects, selected, onSelect };

  useEffect(() => {
    let map: maplibregl.Map | null = null;
    let gone = false;
    townStyle().then((style) => {
      if (gone || !container.current) return;
      style.sources.projects = { type: 'geojson', data: featuresOf(latest.current.projects, latest.current.selected) };
      const selectedWidth = (normal: number, wide: number) =>
        ['case', ['get', 'selected'], wide, normal] as unknown as maplibregl.DataDrivenPropertyValueSpecification<number>;
      style.layers.push(
        {
          id: 'project-area',
          type: 'fill',
          source: 'projects',
          filter: ['==', ['geometry-type'], 'Polygon'],
          paint: { 'fill-color': colorOf, 'fill-opacity': 0.3 },
        },
        {
          id: 'project-line',
          type: 'line',
          source: 'projects',
          filter: ['!=', ['geometry-type'], 'Point'],
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': colorOf, 'line-width': selectedWidth(4, 8) },
        },
        {
          id: 'project-point',
          type: 'circle',
          source: 'projects',
          filter: ['==', ['geometry-type'], 'Point'],
          paint: { 'circle-color': colorOf, 'circle-radius': selectedWidth(9, 13), 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 },
        },
        {
          id: 'project-label',
          type: 'symbol',
          source: 'projects',
          layout: {
            'text-field': ['get', 'name'],
            'text-size': 13,
            'text-offset': [0, 1.3],
            'text-anchor': 'top',
            'symbol-placement': 'point',
          },
          paint: { 'text-color': '#0f172a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
        },
      );
      // the project chosen in the address, else all of them
      const chosen = latest.current.projects.find((p) => p.id === latest.current.selected);
      const box = boxOf((chosen ? [chosen] : latest.current.projects).map((p) => p.geometry));
      map = townMap(container.current, style, box, { padding: 60, maxZoom: 15 });
      for (const layer of ['project-area', 'project-line', 'project-point']) {
        map.on('click', layer, (e) => {
          const id = e.features?.[0]?.properties?.id;
          if (typeof id === 'number') latest.current.onSelect(id);
        });
        const canvas = map.getCanvas();
        map.on('mouseenter', layer, () => {
          canvas.style.cursor = 'pointer';
        });
        map.on('mouseleave', layer, () => {
          canvas.style.cursor = '';
        });
      }
      mapRef.current = map;
    });
    return () => {
      gone = true;
      map?.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const source = mapRef.current?.getSource('projects') as maplibregl.GeoJSONSource | undefined;
    source?.setData(featuresOf(projects, selected));
  }, [projects, selected]);

  // The selected project comes into view (a row chosen in the table).
  useEffect(() => {
    const map = mapRef.current;
    const p = projects.find((x) => x.id === selected);
    const box = p && boxOf([p.geometry]);
    if (map && box) map.fitBounds(box, { padding: 80, maxZoom: 16, duration: 400 });
  }, [selected, projects]);

  return (
    <div className="projects-map-wrap">
      <div className="projects-map" ref={container} data-projects-map role="img" aria-label="重点项目分布图" />
      <ul className="projects-legend">
        {STATUS_ORDER.map((s) => (
          <li key={s}>
            <span style={{ background: PROJECT_STATUS_COLORS[s] }} />
            {PROJECT_STATUS_NAMES[s]}
          </li>
        ))}
      </ul>
    </div>
  );
}
