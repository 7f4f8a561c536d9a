import type { FeatureCollection } from 'geojson';
import { AreaIndex } from './domain/grid-index.ts';
import { RoadGraph } from './patrol/road-graph.ts';
import type { BasemapFeature, CommunityRecord, GridRecord, SiteRecord, TownRecord, UnitRecord } from './store/records.ts';
import type { Store } from './store/store.ts';

/**
 * The town's reference data (boundary, communities, grids, units, sites, basemap), read once from
 * the store, with lookups by id, point-in-area indexes and ready-serialized GeoJSON for bulk routes.
 */
export class TownData {
  // Written only by `set`: at start, and when new boundaries are committed (`reload`). Routes hold
  // the one TownData object and read its fields on each request, so they see the new areas.
  town!: TownRecord;
  communities!: CommunityRecord[];
  grids!: GridRecord[];
  units!: UnitRecord[];
  sites!: SiteRecord[];
  basemap!: BasemapFeature[];
  communityById!: Map<string, CommunityRecord>;
  gridById!: Map<string, GridRecord>;
  unitById!: Map<string, UnitRecord>;
  siteById!: Map<string, SiteRecord>;
  gridIndex!: AreaIndex;
  communityIndex!: AreaIndex;
  /** RFC 7946 FeatureCollections, serialized once. */
  gridsJson!: string;
  /** The grids without their managers' names: what display devices (wall screens) get. */
  gridsPublicJson!: string;
  communitiesJson!: string;
  sitesJson!: string;
  basemapJson!: string;

  private constructor(...data: Parameters<TownData['set']>) {
    this.set(...data);
  }

  private set(
    town: TownRecord,
    communities: CommunityRecord[],
    grids: GridRecord[],
    units: UnitRecord[],
    sites: SiteRecord[],
    basemap: BasemapFeature[],
  ): void {
    this.town = town;
    this.communities = communities;
    this.grids = grids;
    this.units = units;
    this.sites = sites;
    this.basemap = basemap;
    this.communityById = new Map(communities.map((c) => [c.id, c]));
    this.gridById = new Map(grids.map((g) => [g.id, g]));
    this.unitById = new Map(units.map((u) => [u.id, u]));
    this.siteById = new Map(sites.map((s) => [s.id, s]));
    this.gridIndex = new AreaIndex(grids);
    this.communityIndex = new AreaIndex(communities);
    const gridFeatures = this.gridFeatures();
    this.gridsJson = JSON.stringify(gridFeatures);
    this.gridsPublicJson = JSON.stringify({
      ...gridFeatures,
      features: gridFeatures.features.map((f) => {
        const { manager: _, ...rest } = f.properties ?? {};
        return { ...f, properties: rest };
      }),
    });
    this.communitiesJson = JSON.stringify(this.communityFeatures());
    this.sitesJson = JSON.stringify(this.siteFeatures());
    this.basemapJson = JSON.stringify({
      type: 'FeatureCollection',
      features: basemap.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { layer: f.layer, name: f.name, class: f.class } })),
    });
  }

  #roadGraph: RoadGraph | null = null;

  /** The roads as a graph for patrol routing, built on first use (a few tens of ms for the demo town). */
  get roadGraph(): RoadGraph {
    this.#roadGraph ??= RoadGraph.build(
      this.basemap.filter((f) => f.layer === 'road' && f.geometry.type === 'LineString').map((f) => f.geometry as { coordinates: number[][] }),
      this.town.center,
    );
    return this.#roadGraph;
  }

  static async fromStore(store: Store): Promise<TownData> {
    const [[town, communities, grids, units, sites], basemap] = await Promise.all([TownData.readAreas(store), store.basemap()]);
    return new TownData(town, communities, grids, units, sites, basemap);
  }

  /** Reads the areas again (new boundaries committed); the basemap and its road graph stay. */
  async reload(store: Store): Promise<void> {
    const [town, communities, grids, units, sites] = await TownData.readAreas(store);
    this.set(town, communities, grids, units, sites, this.basemap);
  }

  private static readAreas(store: Store) {
    return Promise.all([store.town(), store.communities(), store.grids(), store.units(), store.sites()]);
  }

  private gridFeatures(): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: this.grids.map((g) => ({
        type: 'Feature',
        id: g.id,
        geometry: g.geometry,
        properties: {
          id: g.id,
          name: g.name,
          communityId: g.communityId,
          communityName: this.communityById.get(g.communityId)?.name ?? '',
          manager: g.manager,
          areaKm2: Math.round(g.areaKm2 * 1000) / 1000,
        },
      })),
    };
  }

  private communityFeatures(): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: this.communities.map((c) => ({
        type: 'Feature',
        id: c.id,
        geometry: c.geometry,
        properties: {
          id: c.id,
          name: c.name,
          kind: c.kind,
          center: c.center,
          areaKm2: Math.round(c.areaKm2 * 1000) / 1000,
          grids: this.grids.filter((g) => g.communityId === c.id).length,
        },
      })),
    };
  }

  private siteFeatures(): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: this.sites.map((s) => ({
        type: 'Feature',
        id: s.id,
        geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        properties: {
          id: s.id,
          name: s.name,
          kind: s.kind,
          communityId: s.communityId,
          gridId: s.gridId,
          unitId: s.unitId,
        },
      })),
    };
  }
}
