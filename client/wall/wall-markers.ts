import * as maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { OVERDUE_BIT } from '../../server/domain/points-codec.ts';
import { type HotspotLabel, hotspotCaption, type PointColumns } from '../map/layers.ts';

/** Pulsing rings over the overdue problems (DOM markers: the browser animates them without redrawing the map). */
export function useOverduePulse(map: maplibregl.Map | null, columns: PointColumns | null) {
  useEffect(() => {
    if (!map || !columns) return;
    const p = columns.points;
    const markers: maplibregl.Marker[] = [];
    // The most recent overdue problems first (ids grow with time); a wall needs no more rings than this.
    for (let i = p.count - 1; i >= 0 && markers.length < 300; i--) {
      if ((p.status[i] & OVERDUE_BIT) === 0) continue;
      const el = document.createElement('div');
      el.className = 'overdue-pulse';
      markers.push(new maplibregl.Marker({ element: el }).setLngLat([p.originLon + p.dLon[i], p.originLat + p.dLat[i]]).addTo(map));
    }
    return () => {
      for (const m of markers) m.remove();
    };
  }, [map, columns]);
}

/**
 * The hotspots' captions as DOM markers above the overdue rings (drawn in the map, a ring over the
 * busiest market town would hide its caption). Not over grid colours, as on the main map.
 */
export function useHotspotLabels(map: maplibregl.Map | null, hotspots: HotspotLabel[], shown: boolean) {
  useEffect(() => {
    if (!map || !shown) return;
    const markers = hotspots.map((h) => {
      const el = document.createElement('div');
      el.className = h.rank <= 2 ? 'wall-hotspot-label top' : 'wall-hotspot-label';
      el.textContent = hotspotCaption(h);
      return new maplibregl.Marker({ element: el, anchor: 'bottom', offset: [0, -20] }).setLngLat(h.center).addTo(map);
    });
    return () => {
      for (const m of markers) m.remove();
    };
  }, [map, hotspots, shown]);
}
