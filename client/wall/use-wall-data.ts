import type { FeatureCollection } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { api, type Hotspot, type Meta, type WallConfig } from '../api/client.ts';
import { type LiveState, useLive } from '../api/use-live.ts';
import { basemapStyle } from '../map/basemap-style.ts';
import { type PointColumns, pointColumns, type SiteMarker } from '../map/layers.ts';
import { type Figures, loadFigures } from './wall-figures.ts';

export interface Town {
  meta: Meta;
  style: maplibregl.StyleSpecification;
  grids: FeatureCollection;
  communities: FeatureCollection;
  sites: SiteMarker[];
  /** The server's clock minus the wall's, at load. */
  clockOffset: number;
}

/** What the map draws: every problem as binary columns, and the hotspots. */
export interface MapLayers {
  columns: PointColumns;
  hotspots: Hotspot[];
}

/**
 * What the wall shows, kept current without anyone touching it: the town and the settings at
 * start; the figures at start, 0.15 s after each burst of live changes and once a minute; the map's
 * points and hotspots at most once a minute after a change; the settings when an admin saved them.
 * A failure keeps what is on screen and says why (`failed`).
 */
export function useWallData(): {
  town: Town | null;
  config: WallConfig | null;
  figures: Figures | null;
  layers: MapLayers | null;
  failed: string | null;
  live: LiveState;
} {
  const [town, setTown] = useState<Town | null>(null);
  const [config, setConfig] = useState<WallConfig | null>(null);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [layers, setLayers] = useState<MapLayers | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [layerRevision, setLayerRevision] = useState(0);
  const [configRevision, setConfigRevision] = useState(0);

  useEffect(() => {
    Promise.all([api.meta(), api.communities(), api.grids(), api.basemap(), api.sites(), api.wallConfig()])
      .then(([meta, communities, grids, basemap, sites, wallConfig]) => {
        setTown({
          meta,
          clockOffset: Date.parse(meta.now) - Date.now(),
          grids,
          communities,
          style: basemapStyle({ communities, grids, basemap, sites }, 'night'),
          sites: sites.features.map((f) => {
            const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
            return { id: String(f.properties?.id), name: String(f.properties?.name), kind: String(f.properties?.kind), lon, lat };
          }),
        });
        setConfig(wallConfig);
      })
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
  }, []);

  // The figures (small answers): loaded at start, 0.15 s after every burst of live changes, and
  // once a minute in any case, so a change is on the wall within a second or two.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the reload trigger
  useEffect(() => {
    if (!town) return;
    let current = true;
    // The server's clock, moved on by the wall's own: the windows follow the days of an all-day wall.
    loadFigures(Date.now() + town.clockOffset)
      .then((next) => {
        if (!current) return;
        setFigures(next);
        setFailed(null);
      })
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [town, revision]);

  // What the map draws (every point, the hotspots): at start, then at most once a minute and only
  // after a change. A year of reports hardly moves with one more, and redrawing the heat is the
  // wall's heaviest work; the figures above carry each change at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: layerRevision is the reload trigger
  useEffect(() => {
    if (!town) return;
    let current = true;
    Promise.all([api.points(), api.hotspots()])
      .then(([points, hotspots]) => current && setLayers({ columns: pointColumns(points), hotspots }))
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [town, layerRevision]);

  // A change is on the figures 0.15 s after its message; the layers wait for the minute below.
  const layersDirty = useRef(false);
  const live = useLive(
    {
      refresh: () => {
        layersDirty.current = true;
        setRevision((r) => r + 1);
      },
      wallConfig: () => setConfigRevision((r) => r + 1),
    },
    150,
  );
  useEffect(() => {
    const minute = setInterval(() => {
      setRevision((r) => r + 1);
      setConfigRevision((r) => r + 1);
      if (layersDirty.current) setLayerRevision((r) => r + 1);
      layersDirty.current = false;
    }, 60_000);
    return () => clearInterval(minute);
  }, []);

  // The settings again when an admin saved them (a live notice), and once a minute (with the
  // figures) for a wall.json edited by hand: either shows without anyone touching the wall.
  useEffect(() => {
    if (configRevision === 0) return;
    api
      .wallConfig()
      .then((next) => setConfig((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next)))
      .catch(() => undefined); // offline: the banner says so, the last settings stay
  }, [configRevision]);

  return { town, config, figures, layers, failed, live };
}
