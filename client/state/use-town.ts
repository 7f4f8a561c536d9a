import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { api, type Meta, type Session } from '../api/client.ts';
import { basemapStyle } from '../map/basemap-style.ts';
import type { SiteMarker } from '../map/layers.ts';
import type { AreaOption } from '../panels/filter-bar.tsx';

/** Data that does not depend on the filters: loaded once. */
export interface Town {
  meta: Meta;
  style: StyleSpecification;
  grids: FeatureCollection;
  /** What the 村居 and 网格 filters offer: the areas this account can see problems in. */
  communities: AreaOption[];
  gridOptions: AreaOption[];
  sites: SiteMarker[];
  /** Display names by `kind:code` (category, status, source, area, unit). */
  names: Map<string, string>;
}

const areaOptions = (fc: FeatureCollection): AreaOption[] =>
  fc.features.map((f) => ({ id: String(f.properties?.id), name: String(f.properties?.name), communityId: f.properties?.communityId as string | undefined }));

/**
 * The areas a user's filters offer. A unit reads its own problems only, so it is offered the grids
 * it has problems in (at any time) and their communities, not 30 grids that would show nothing.
 */
async function visibleAreas(user: Session['user'], communities: AreaOption[], grids: AreaOption[]): Promise<[AreaOption[], AreaOption[]]> {
  if (user?.role !== 'unit') return [communities, grids];
  const used = new Set((await api.gridStats('')).filter((g) => g.total > 0).map((g) => g.id));
  const ownGrids = grids.filter((g) => used.has(g.id));
  const ownCommunities = new Set(ownGrids.map((g) => g.communityId));
  return [communities.filter((c) => ownCommunities.has(c.id)), ownGrids];
}

async function loadTown(user: Session['user']): Promise<Town> {
  const [meta, communities, grids, basemap, sites, units] = await Promise.all([
    api.meta(),
    api.communities(),
    api.grids(),
    api.basemap(),
    api.sites(),
    api.units(),
  ]);
  const names = new Map<string, string>();
  for (const u of units) names.set(`unit:${u.id}`, u.name);
  for (const c of meta.categories) names.set(`category:${c.code}`, c.name);
  for (const s of meta.statuses) names.set(`status:${s.code}`, s.name);
  for (const s of meta.sources) names.set(`source:${s.code}`, s.name);
  for (const f of [...communities.features, ...grids.features]) names.set(`area:${f.properties?.id}`, String(f.properties?.name));
  const [communityOptions, gridOptions] = await visibleAreas(user, areaOptions(communities), areaOptions(grids));
  return {
    meta,
    grids,
    style: basemapStyle({ communities, grids, basemap, sites }),
    communities: communityOptions,
    gridOptions,
    sites: sites.features.map((f) => {
      const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
      return { id: String(f.properties?.id), name: String(f.properties?.name), kind: String(f.properties?.kind), lon, lat };
    }),
    names,
  };
}

/** The town for this account, loaded once; a failure is the page's message. */
export function useTown(user: Session['user']): { town: Town | null; error: string | null } {
  const [town, setTown] = useState<Town | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per page; the account does not change under it
  useEffect(() => {
    loadTown(user)
      .then(setTown)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return { town, error };
}
