import iconv from 'iconv-lite';
import JSZip from 'jszip';

/** A polygon of a test shapefile: its rings (x, y in the file's own coordinates) and its text attributes. */
export interface FixturePolygon {
  rings: [number, number][][];
  attributes: Record<string, string>;
}

/** The CGCS2000 3° Gauss–Krüger zone at 120°E (EPSG:4549) as ArcGIS writes it in a .prj. */
export const EPSG_4549_PRJ =
  'PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

/**
 * (A field name has 10 bytes: two Chinese characters in UTF-8 fit, five in GBK.)
 *
 * A polygon shapefile .zip as a Chinese GIS tool writes it: .shp/.shx, a .dbf whose text (and field
 * names) are GBK or UTF-8, a .prj, and a .cpg saying the code page — or none (`cpg: null`).
 */
export async function polygonShapefile(
  polygons: FixturePolygon[],
  o: { prj: string; encoding: 'gbk' | 'utf-8'; cpg: string | null; name?: string },
): Promise<Buffer> {
  const name = o.name ?? '网格';
  const records = polygons.map((p) => {
    const points = p.rings.flat();
    const xs = points.map((q) => q[0]);
    const ys = points.map((q) => q[1]);
    const content = Buffer.alloc(44 + 4 * p.rings.length + 16 * points.length);
    content.writeInt32LE(5, 0);
    for (const [i, v] of [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].entries()) content.writeDoubleLE(v, 4 + i * 8);
    content.writeInt32LE(p.rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    p.rings.forEach((ring, i) => {
      content.writeInt32LE(start, 44 + i * 4);
      start += ring.length;
    });
    points.forEach(([x, y], i) => {
      content.writeDoubleLE(x, 44 + 4 * p.rings.length + i * 16);
      content.writeDoubleLE(y, 44 + 4 * p.rings.length + i * 16 + 8);
    });
    return content;
  });
  const all = polygons.flatMap((p) => p.rings.flat());
  const box = [Math.min(...all.map((q) => q[0])), Math.min(...all.map((q) => q[1])), Math.max(...all.map((q) => q[0])), Math.max(...all.map((q) => q[1]))];
  const header = (length: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(length / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    for (const [i, v] of box.entries()) h.writeDoubleLE(v, 36 + i * 8);
    return h;
  };
  const shpLength = 100 + records.reduce((n, r) => n + 8 + r.length, 0);
  const shp = Buffer.concat([
    header(shpLength),
    ...records.flatMap((r, i) => {
      const rh = Buffer.alloc(8);
      rh.writeInt32BE(i + 1, 0);
      rh.writeInt32BE(r.length / 2, 4);
      return [rh, r];
    }),
  ]);
  let offset = 100;
  const shx = Buffer.concat([
    header(100 + records.length * 8),
    ...records.map((r) => {
      const e = Buffer.alloc(8);
      e.writeInt32BE(offset / 2, 0);
      e.writeInt32BE(r.length / 2, 4);
      offset += 8 + r.length;
      return e;
    }),
  ]);
  const encode = (s: string) => (o.encoding === 'gbk' ? iconv.encode(s, 'gbk') : Buffer.from(s, 'utf8'));
  const fields = Object.keys(polygons[0]?.attributes ?? {});
  const width = 80;
  const headerLength = 32 + fields.length * 32 + 1;
  const recordLength = 1 + fields.length * width;
  const dbf = Buffer.alloc(headerLength + polygons.length * recordLength + 1, 0x20);
  dbf.fill(0, 0, headerLength);
  dbf.writeUInt8(3, 0);
  dbf.writeUInt32LE(polygons.length, 4);
  dbf.writeUInt16LE(headerLength, 8);
  dbf.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    encode(f).copy(dbf, 32 + i * 32, 0, 10);
    dbf.write('C', 32 + i * 32 + 11, 'latin1');
    dbf.writeUInt8(width, 32 + i * 32 + 16);
  });
  dbf.writeUInt8(0x0d, headerLength - 1);
  for (const [k, p] of polygons.entries()) {
    for (const [i, f] of fields.entries()) encode(p.attributes[f] ?? '').copy(dbf, headerLength + k * recordLength + 1 + i * width, 0, width);
  }
  dbf.writeUInt8(0x1a, dbf.length - 1);
  const zip = new JSZip();
  zip.file(`${name}.shp`, shp);
  zip.file(`${name}.shx`, shx);
  zip.file(`${name}.dbf`, dbf);
  zip.file(`${name}.prj`, o.prj);
  if (o.cpg !== null) zip.file(`${name}.cpg`, o.cpg);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
