import { useEffect, useState } from 'react';
import { call } from '../api/client.ts';
import type { Basemap } from './tile-basemap.ts';

const KEY = 'cw-basemap';

/**
 * The basemaps this server offers (the offline one always; 天地图 矢量 and 影像 when it has a key),
 * and the one chosen on this device (kept across visits).
 */
export function useBasemap(): { basemaps: Basemap[]; chosen: Basemap | null; choose: (id: string) => void } {
  const [basemaps, setBasemaps] = useState<Basemap[]>([]);
  const [id, setId] = useState<string>(() => localStorage.getItem(KEY) ?? 'offline');
  useEffect(() => {
    call('GET /api/basemaps')
      .then((r) => setBasemaps(r.basemaps))
      .catch(() => undefined);
  }, []);
  const choose = (next: string) => {
    localStorage.setItem(KEY, next);
    setId(next);
  };
  return { basemaps, chosen: basemaps.find((b) => b.id === id) ?? null, choose };
}
