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
  total: number;
  /** What the wizard tells the clerk. */
  reason: string;
}

/**
 * Proposes the datum that puts the most points inside the town (`inTown` tests a WGS84 position);
 * on a tie WGS84, then GCJ-02. The offsets between datums are a few hundred metres, so near the
 * town's edge points decide, and the answer says how many each datum puts inside.
 */
export function guessDatum(points: readonly [number, number][], inTown: (lon: number, lat: number) => boolean): DatumGuess {
  const inside = { wgs84: 0, gcj02: 0, bd09: 0 } as Record<Datum, number>;
  for (const [lon, lat] of points) for (const d of DATUMS) if (inTown(...toWgs84(lon, lat, d.code))) inside[d.code]++;
  const best = DATUMS.reduce((a, b) => (inside[b.code] > inside[a.code] ? b : a));
  const others = DATUMS.filter((d) => d.code !== best.code)
    .map((d) => `${d.name.split('（')[0]} ${inside[d.code]} 个`)
    .join('，');
  return {
    datum: best.code,
    inside,
    total: points.length,
    reason: `按 ${best.name.split('（')[0]} 读取，${points.length} 个点中有 ${inside[best.code]} 个落在本镇内（${others}）`,
  };
}
