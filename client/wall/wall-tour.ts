import { bbox as turfBbox } from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import type { Meta, WallConfig } from '../api/client.ts';
import type { Figures } from './wall-figures.ts';

/** The wall's tour: its timing, where it starts, and where each scene frames the map. */

/** What a scene needs of the town. */
export interface TourTown {
  meta: Meta;
  grids: FeatureCollection;
  communities: FeatureCollection;
}

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** Seconds between tour scenes: the settings', or `?tour=N` on the URL (tests, rehearsals). */
export function tourSeconds(config: WallConfig | null): number {
  const override = Number(new URLSearchParams(window.location.search).get('tour'));
  return Number.isFinite(override) && override >= 1 ? override : (config?.intervalSeconds ?? 20);
}

/** The scene the wall starts at: kept across a reload (after a lost WebGL context). */
export function initialScene(): number {
  const s = Number(new URLSearchParams(window.location.search).get('scene'));
  return Number.isInteger(s) && s >= 0 ? s : 0;
}

/**
 * How long to wait before reloading after a lost WebGL context: 1 s, but doubling (to 5 min) while
 * losses follow each other within 10 minutes, so that a failing GPU does not make the wall reload
 * in a tight loop. Kept in sessionStorage, which outlives the reload.
 */
export function reloadDelayAfterLoss(): number {
  const KEY = 'wall.contextLosses';
  const last = ((): { n?: number; at?: number } | null => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? '');
    } catch {
      return null; // none recorded, or unreadable: start again
    }
  })();
  const n = Date.now() - (last?.at ?? 0) < 10 * 60_000 ? (last?.n ?? 0) + 1 : 0;
  sessionStorage.setItem(KEY, JSON.stringify({ n, at: Date.now() }));
  return Math.min(1000 * 2 ** n, 5 * 60_000);
}

/** Where a scene frames the map, what it says, and which grid it outlines. */
export function frameScene(
  scene: WallConfig['scenes'][number],
  town: TourTown,
  data: Pick<Figures, 'communities' | 'grids'>,
): { bbox: [number, number, number, number]; caption: string; key: string; gridId: string | null } {
  const townBox = town.meta.bbox;
  const communityFeature = (id: string) => town.communities.features.find((f) => f.properties?.id === id);
  const box = (f: GeoJSON.Feature | undefined) => (f ? (turfBbox(f) as [number, number, number, number]) : townBox);
  if (scene.target === 'community' && scene.communityId) {
    const f = communityFeature(scene.communityId);
    return { bbox: box(f), caption: scene.caption ?? String(f?.properties?.name ?? ''), key: scene.communityId, gridId: null };
  }
  if (scene.target === 'top-community') {
    const row = data.communities[(scene.rank ?? 1) - 1];
    if (row) {
      return {
        bbox: box(communityFeature(row.id)),
        caption:
          scene.caption ?? `${row.name} · 问题密度第 ${scene.rank ?? 1} · 整改率 ${row.rectificationRate === null ? '—' : percent(row.rectificationRate)}`,
        key: row.id,
        gridId: null,
      };
    }
  }
  if (scene.target === 'most-overdue-grid') {
    const g = data.grids[0];
    if (g && g.overdue > 0) {
      const f = town.grids.features.find((x) => x.properties?.id === g.id);
      return { bbox: box(f), caption: scene.caption ?? `${g.name} · 逾期未改最多（${g.overdue} 件）`, key: g.id, gridId: g.id };
    }
  }
  const what = scene.mode === 'patrol' ? ' · 巡查覆盖（距上次巡查天数）' : '';
  return { bbox: townBox, caption: scene.caption ?? `${town.meta.town.name}全域${what}`, key: 'town', gridId: null };
}
