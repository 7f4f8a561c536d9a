import gcoord from 'gcoord';

/**
 * The datums a Chinese 台账's coordinates come in: WGS84 (GPS, 天地图; CGCS2000 differs by
 * centimetres), GCJ-02 (高德, 腾讯, 微信, 奥维's default) and BD-09 (百度). gcoord does the maths.
 */
export const DATUMS = [
  { code: 'wgs84', name: 'WGS84 / CGCS2000（GPS、天地图）', crs: gcoord.WGS84 },
  { code: 'gcj02', name: 'GCJ-02（高德、腾讯、微信、奥维）', crs: gcoord.GCJ02 },
  { code: 'bd09', name: 'BD-09（百度地图）', crs: gcoord.BD09 },
] as const;

export type Datum = (typeof DATUMS)[number]['code'];

/** A position in `datum` as WGS84 (what the town's grids and the map use). */
export function toWgs84(lon: number, lat: number, datum: Datum): [number, number] {
  if (datum === 'wgs84') return [lon, lat];
  const crs = DATUMS.find((d) => d.code === datum)?.crs ?? gcoord.WGS84;
  const [x, y] = gcoord.transform([lon, lat], crs, gcoord.WGS84);
  return [x, y];
}

export interface DatumGuess {
  datum: Datum;
  /** Points inside the town, read in each datum. */
  inside: Record<Datum, number>;
  /** Points whose 村居 (or 网格) as written is the one they fall in, read in each datum. */
  agree: Record<Datum, number>;
  total: number;
  /** Whether the points tell the datums apart (else the clerk chooses; WGS84 is proposed). */
  clear: boolean;
  /** What the wizard tells the clerk. */
  reason: string;
}

/** A point of a sheet, with the area its row names (村居 or 网格), when it names one. */
export interface SheetPoint {
  lon: number;
  lat: number;
  area?: string | null;
}

/**
 * Proposes the datum under which the most points fall inside the town and, among those, in the
 * area (村居 or 网格) their rows name: the offsets between datums are a few hundred metres, so in a
 * large town only points near its edge or near an area's border tell them apart. `inTown` tests a
 * WGS84 position; `areaAt` names the area holding it. On a tie WGS84 is proposed and the answer
 * says the points cannot tell.
 */
export function guessDatum(
  points: readonly SheetPoint[],
  inTown: (lon: number, lat: number) => boolean,
  areaAt?: (lon: number, lat: number) => string | null,
): DatumGuess {
  const inside = { wgs84: 0, gcj02: 0, bd09: 0 } as Record<Datum, number>;
  const agree = { wgs84: 0, gcj02: 0, bd09: 0 } as Record<Datum, number>;
  for (const p of points) {
    for (const d of DATUMS) {
      const [lon, lat] = toWgs84(p.lon, p.lat, d.code);
      if (!inTown(lon, lat)) continue;
      inside[d.code]++;
      if (p.area && areaAt && areaAt(lon, lat) === p.area) agree[d.code]++;
    }
  }
  const score = (d: Datum) => inside[d] * (points.length + 1) + agree[d];
  const best = DATUMS.reduce((a, b) => (score(b.code) > score(a.code) ? b : a));
  const clear = DATUMS.every((d) => d.code === best.code || score(d.code) < score(best.code));
  const short = (d: (typeof DATUMS)[number]) => d.name.split('（')[0];
  const named = !!areaAt && points.some((p) => p.area);
  const counts = DATUMS.map((d) => `${short(d)} ${inside[d.code]} 个在镇内${named ? `、${agree[d.code]} 个与所填村居一致` : ''}`).join('；');
  return {
    datum: best.code,
    inside,
    agree,
    total: points.length,
    clear,
    reason: clear
      ? `按 ${short(best)} 读取最合适（${points.length} 个点：${counts}）`
      : `这些点分不出坐标系（${points.length} 个点：${counts}），请按数据来源选择：手机 GPS、天地图为 WGS84，高德、微信、奥维为 GCJ-02，百度为 BD-09`,
  };
}
