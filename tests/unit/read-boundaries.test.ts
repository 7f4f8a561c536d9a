import JSZip from 'jszip';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundaries } from '../../server/exchange/read-boundaries.ts';
import { demoApp } from '../helpers/demo.ts';
import { EPSG_4549_PRJ, type FixturePolygon, polygonShapefile } from '../helpers/shapefile-fixture.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
/** The demo town's grids in EPSG:4549 (metres, CGCS2000 3° zone at 120°E), as the bureau hands them over. */
let polygons: FixturePolygon[];
const toGk = proj4('EPSG:4326', EPSG_4549_PRJ);

beforeAll(async () => {
  ctx = await demoApp(0);
  polygons = ctx.app.townData.grids.slice(0, 12).map((g) => {
    const rings = g.geometry.type === 'Polygon' ? g.geometry.coordinates : g.geometry.coordinates[0];
    return {
      rings: rings.map((ring) => ring.map(([lon, lat]) => toGk.forward([lon, lat]) as [number, number])),
      attributes: { 名称: g.name, 村居: ctx.app.townData.communityById.get(g.communityId)?.name ?? '' },
    };
  });
});
afterAll(async () => ctx?.close());

/** The largest distance in metres between the grids' vertices and those read back. */
function offsetMetres(read: Awaited<ReturnType<typeof readBoundaries>>): number {
  let worst = 0;
  read.areas.forEach((a, i) => {
    const g = ctx.app.townData.grids[i].geometry;
    const truth = (g.type === 'Polygon' ? g.coordinates : g.coordinates[0]).flat();
    const got = (a.geometry.type === 'Polygon' ? a.geometry.coordinates : a.geometry.coordinates[0]).flat();
    got.forEach(([lon, lat], k) => {
      worst = Math.max(worst, Math.hypot((lon - truth[k][0]) * 93_000, (lat - truth[k][1]) * 111_000));
    });
  });
  return worst;
}

describe('boundary files from the bureau and the clerk', () => {
  it('a shapefile in EPSG:4549 with a GBK .dbf and a 936 .cpg: the grids back in WGS84, their names in Chinese', async () => {
    const read = await readBoundaries(await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: '936' }));
    expect(read).toMatchObject({ format: 'shapefile', crs: 'CGCS2000_3_Degree_GK_CM_120E', skipped: 0 });
    expect(read.encoding).toBe('GBK（.cpg：936）');
    expect(read.areas.map((a) => a.properties.名称)).toEqual(ctx.app.townData.grids.slice(0, 12).map((g) => g.name));
    expect(read.areas[0].properties.村居).toBe(ctx.app.townData.communityById.get(ctx.app.townData.grids[0].communityId)?.name);
    expect(offsetMetres(read)).toBeLessThan(0.01);
  });

  it('the same without a .cpg: GBK told from the text; and UTF-8 with its .cpg', async () => {
    const gbk = await readBoundaries(await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: null }));
    expect(gbk.encoding).toBe('GBK（无 .cpg，按内容判断）');
    expect(gbk.areas.map((a) => a.properties.名称)).toEqual(ctx.app.townData.grids.slice(0, 12).map((g) => g.name));
    const utf8 = await readBoundaries(await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'utf-8', cpg: 'UTF-8' }));
    expect(utf8.encoding).toBe('UTF-8（.cpg：UTF-8）');
    expect(utf8.areas[3].properties.名称).toBe(ctx.app.townData.grids[3].name);
    expect(offsetMetres(utf8)).toBeLessThan(0.01);
  });

  it('a zip bomb in a shapefile .zip, or an entry whose size lies, is refused before it is inflated in full', async () => {
    const limits = { maxTotalBytes: 8 * 1024 * 1024, maxEntries: 100 };
    const zip = await JSZip.loadAsync(await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: '936' }));
    // a .dbf that inflates to 32 MB from about 32 KB
    zip.file('网格.dbf', Buffer.alloc(32 * 1024 * 1024, 0x20));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(200_000);
    await expect(readBoundaries(bomb, limits)).rejects.toThrow(/解压后超过 8 MB/);
    // the central directory saying the .dbf is 1,000 bytes
    const liar = Buffer.from(bomb);
    const central = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
    for (let at = liar.indexOf(central); at >= 0; at = liar.indexOf(central, at + 4)) {
      if (
        liar
          .subarray(at + 46, at + 46 + liar.readUInt16LE(at + 28))
          .toString()
          .endsWith('.dbf')
      )
        liar.writeUInt32LE(1000, at + 24);
    }
    await expect(readBoundaries(liar, limits)).rejects.toThrow(/解压后超过 8 MB|实际大小与声明不符/);
    // within the limits the same shapefile reads
    const sound = await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: '936' });
    expect((await readBoundaries(sound, limits)).areas).toHaveLength(12);
  });

  it('a .shp whose header lies about its length, or a shapefile of points, is refused with the reason', async () => {
    const good = await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: '936' });
    const zip = await JSZip.loadAsync(good);
    const shp = Buffer.from(await (zip.file('网格.shp')?.async('nodebuffer') ?? Buffer.alloc(0)));
    shp.writeInt32BE(shp.readInt32BE(24) * 4, 24);
    zip.file('网格.shp', shp);
    await expect(readBoundaries(await zip.generateAsync({ type: 'nodebuffer' }))).rejects.toThrow(/文件头声明长度/);
    const record = Buffer.from(await ((await JSZip.loadAsync(good)).file('网格.shp')?.async('nodebuffer') ?? Buffer.alloc(0)));
    record.writeInt32BE(1_000_000, 104);
    const z2 = await JSZip.loadAsync(good);
    z2.file('网格.shp', record);
    await expect(readBoundaries(await z2.generateAsync({ type: 'nodebuffer' }))).rejects.toThrow(/记录长度无效/);
    const points = await JSZip.loadAsync(good);
    const p = Buffer.from(shp);
    p.writeInt32BE(p.length / 2, 24);
    p.writeInt32LE(1, 32);
    points.file('网格.shp', p);
    await expect(readBoundaries(await points.generateAsync({ type: 'nodebuffer' }))).rejects.toThrow(/不是面/);
    const noShp = new JSZip();
    noShp.file('网格.dbf', 'x');
    await expect(readBoundaries(await noShp.generateAsync({ type: 'nodebuffer' }))).rejects.toThrow(/没有 \.shp 文件/);
  });

  it('GeoJSON and KML polygons, points left out and counted', async () => {
    const g = ctx.app.townData.grids[0];
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: g.geometry, properties: { name: g.name } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.36, 33.35] }, properties: {} },
      ],
    };
    expect(await readBoundaries(Buffer.from(JSON.stringify(fc)))).toMatchObject({ format: 'geojson', skipped: 1, areas: [{ properties: { name: g.name } }] });
    const ring = (g.geometry.type === 'Polygon' ? g.geometry.coordinates[0] : g.geometry.coordinates[0][0]).map(([x, y]) => `${x},${y}`).join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>${g.name}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const read = await readBoundaries(Buffer.from(kml));
    expect(read).toMatchObject({ format: 'kml', skipped: 0, areas: [{ properties: { name: g.name } }] });
  });
});
