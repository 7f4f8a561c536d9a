import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { getShapefile } from 'shpjs';
import { kmlFeatures } from './read-kml.ts';
import { sniff } from './read-table.ts';
import { UnreadableFile } from './unreadable.ts';
import { readZip, type ZipEntry, type ZipLimits } from './zip-guard.ts';

/**
 * Boundaries (grids or villages) as the natural-resources bureau or a clerk hands them over: a
 * shapefile .zip (its .dbf decoded by the .cpg, or as GBK when there is none and the text is not
 * UTF-8; its .prj read by proj4, Gauss–Krüger zones such as EPSG:4549 included), KML/KMZ polygons
 * or GeoJSON — as WGS84 polygons with their attributes.
 */

export type Area = Feature<Polygon | MultiPolygon, Record<string, unknown>>;

export interface Boundaries {
  format: 'shapefile' | 'kml' | 'geojson';
  /** How the attribute text was decoded (shapefiles), and why. */
  encoding: string | null;
  /** The coordinate system the file declared (the .prj's name), if any. */
  crs: string | null;
  areas: Area[];
  /** Features that are not polygons, left out. */
  skipped: number;
}

/** A .cpg's code page as a TextDecoder label (GB18030 for every name of GBK: it is the superset). */
function codePage(cpg: string): string {
  const c = cpg.trim().toLowerCase();
  if (/^(utf-?8|65001)$/.test(c)) return 'utf-8';
  if (/^(ansi\s*)?(936|cp936|gbk|gb2312|gb18030|x-gbk)$/.test(c)) return 'gb18030';
  try {
    return new TextDecoder(c).encoding;
  } catch {
    throw new UnreadableFile(`无法识别 .cpg 中的编码：${cpg.trim()}`);
  }
}

/** Whether a .dbf's text decodes as UTF-8 (else it is taken for GBK, as Chinese GIS tools write it). */
function dbfIsUtf8(dbf: Buffer): boolean {
  const headerLength = dbf.length >= 10 ? dbf.readUInt16LE(8) : 0;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(32, Math.min(dbf.length, Math.max(headerLength, 32) + 1_000_000)));
    return true;
  } catch {
    return false;
  }
}

/** A .shp whose header states a length other than its own, or a shape type that is not a polygon's, is refused. */
function checkShp(shp: Buffer, name: string): void {
  if (shp.length < 100 || shp.readInt32BE(0) !== 9994) throw new UnreadableFile(`${name} 不是有效的 .shp 文件`);
  const declared = shp.readInt32BE(24) * 2;
  if (declared !== shp.length) throw new UnreadableFile(`${name} 的文件头声明长度 ${declared} 字节，实际 ${shp.length} 字节：文件已损坏或被篡改`);
  const type = shp.readInt32LE(32);
  if (![5, 15, 25].includes(type)) throw new UnreadableFile(`${name} 不是面（多边形）图层（类型 ${type}）：网格与村居边界应为面`);
  // every record inside the file, its length as stated
  for (let at = 100; at < shp.length; ) {
    if (at + 8 > shp.length) throw new UnreadableFile(`${name} 的记录超出文件末尾`);
    const length = shp.readInt32BE(at + 4) * 2;
    if (length < 4 || at + 8 + length > shp.length) throw new UnreadableFile(`${name} 的记录长度无效：文件已损坏或被篡改`);
    at += 8 + length;
  }
}

async function readShapefile(all: readonly ZipEntry[]): Promise<Boundaries> {
  const entries = all.filter((e) => !e.name.includes('__MACOSX'));
  const shpEntry = entries.find((e) => /\.shp$/i.test(e.name));
  if (!shpEntry) throw new UnreadableFile('压缩包中没有 .shp 文件：请把 .shp、.shx、.dbf、.prj（及 .cpg）一起打包');
  const base = shpEntry.name.slice(0, -4).toLowerCase();
  const part = (ext: string) => entries.find((e) => e.name.toLowerCase() === `${base}.${ext}`)?.data;
  checkShp(shpEntry.data, shpEntry.name);
  const dbf = part('dbf');
  if (!dbf) throw new UnreadableFile(`缺少 ${base}.dbf：没有属性表就无法知道每个面是哪个网格或村居`);
  const cpgText = part('cpg')?.toString('latin1');
  const encoding = cpgText ? codePage(cpgText) : dbfIsUtf8(dbf) ? 'utf-8' : 'gb18030';
  const prj = part('prj')?.toString('utf8') ?? null;
  let fc: FeatureCollection;
  try {
    fc = (await getShapefile({ shp: shpEntry.data, dbf, cpg: encoding, ...(prj ? { prj } : {}) })) as FeatureCollection;
  } catch (e) {
    throw new UnreadableFile(`无法读取 shapefile（${e instanceof Error ? e.message : String(e)}）`);
  }
  const crs = prj ? (/^\s*(?:PROJCS|GEOGCS)\["([^"]+)"/.exec(prj)?.[1] ?? '（.prj 中未命名）') : null;
  return {
    format: 'shapefile',
    encoding: `${encoding === 'utf-8' ? 'UTF-8' : 'GBK'}（${cpgText ? `.cpg：${cpgText.trim()}` : '无 .cpg，按内容判断'}）`,
    crs,
    ...polygons(fc),
  };
}

function polygons(fc: FeatureCollection): { areas: Area[]; skipped: number } {
  const areas: Area[] = [];
  let skipped = 0;
  for (const f of fc.features) {
    if (f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon') areas.push({ ...f, properties: { ...(f.properties ?? {}) } } as Area);
    else skipped++;
  }
  return { areas, skipped };
}

/** Reads a boundary file, told by its bytes: a zip (shapefile or .kmz), KML or GeoJSON. */
export async function readBoundaries(bytes: Buffer, limits?: ZipLimits): Promise<Boundaries> {
  const kind = sniff(bytes);
  if (kind === 'zip') {
    // inflated once, under the guard's ceiling
    const entries = readZip(bytes, limits);
    const kml = entries.find((e) => /\.kml$/i.test(e.name));
    if (kml && !entries.some((e) => /\.shp$/i.test(e.name)))
      return { format: 'kml', encoding: null, crs: null, ...polygons(kmlFeatures(kml.data.toString('utf8'))) };
    return readShapefile(entries);
  }
  if (kind !== 'text') throw new UnreadableFile('无法识别的边界文件：请上传 shapefile 压缩包（.zip）、KML/KMZ 或 GeoJSON');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (/^\s*</.test(text)) return { format: 'kml', encoding: null, crs: null, ...polygons(kmlFeatures(text)) };
  let doc: FeatureCollection;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UnreadableFile('GeoJSON 文件不是合法的 JSON');
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new UnreadableFile('GeoJSON 应为 FeatureCollection');
  return { format: 'geojson', encoding: null, crs: null, ...polygons(doc) };
}
