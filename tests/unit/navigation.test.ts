import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { navigationLinks } from '../../client/patrol/navigation.ts';

describe('导航 links', () => {
  it('carry the stop in GCJ-02 (高德, Apple) and BD-09 (百度), as gcoord converts the WGS84 point', () => {
    const [lon, lat] = [120.371234, 33.349876];
    const gcj = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02);
    const bd = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09);
    const links = Object.fromEntries(navigationLinks(lon, lat, '李灶菜场 东门').map((l) => [l.app, new URL(l.href)]));
    const amap = links.amap.searchParams.get('to')?.split(',').map(Number) ?? [];
    expect(amap[0]).toBeCloseTo(gcj[0], 6);
    expect(amap[1]).toBeCloseTo(gcj[1], 6);
    expect(links.amap.searchParams.get('coordinate')).toBe('gaode');
    const baidu = /latlng:([\d.]+),([\d.]+)/.exec(links.baidu.searchParams.get('destination') ?? '') ?? [];
    expect(Number(baidu[2])).toBeCloseTo(bd[0], 6);
    expect(Number(baidu[1])).toBeCloseTo(bd[1], 6);
    expect(links.baidu.searchParams.get('coord_type')).toBe('bd09ll');
    const apple = links.apple.searchParams.get('daddr')?.split(',').map(Number) ?? [];
    expect(apple[0]).toBeCloseTo(gcj[1], 6);
    expect(apple[1]).toBeCloseTo(gcj[0], 6);
    // The converted points differ from the WGS84 one by hundreds of metres: sending WGS84 would miss the stop.
    expect(Math.abs(gcj[0] - lon) + Math.abs(gcj[1] - lat)).toBeGreaterThan(0.003);
  });
});
