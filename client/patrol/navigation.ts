import gcoord from 'gcoord';

/** A link that opens a phone's navigation app at a stop, with the point in the app's own datum. */
export interface NavigationLink {
  app: 'amap' | 'baidu' | 'apple';
  label: string;
  href: string;
  /** The point as the app gets it (lon, lat in its datum). */
  point: [number, number];
}

/**
 * 导航 to a stop: 高德地图 and Apple Maps (in mainland China) take GCJ-02, 百度地图 BD-09; the town's
 * data stays WGS84 and is converted here, by gcoord, only for the link. Walking directions.
 */
export function navigationLinks(lon: number, lat: number, name: string): NavigationLink[] {
  const gcj = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  const bd = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09) as [number, number];
  const f = (n: number) => n.toFixed(6);
  const label = encodeURIComponent(name);
  return [
    {
      app: 'amap',
      label: '高德地图',
      point: gcj,
      href: `https://uri.amap.com/navigation?to=${f(gcj[0])},${f(gcj[1])},${label}&mode=walk&coordinate=gaode&callnative=1&src=chuangwen`,
    },
    {
      app: 'baidu',
      label: '百度地图',
      point: bd,
      href: `https://api.map.baidu.com/direction?destination=latlng:${f(bd[1])},${f(bd[0])}|name:${label}&mode=walking&coord_type=bd09ll&region=盐城&output=html&src=chuangwen`,
    },
    { app: 'apple', label: 'Apple 地图', point: gcj, href: `https://maps.apple.com/?daddr=${f(gcj[1])},${f(gcj[0])}&dirflg=w` },
  ];
}
