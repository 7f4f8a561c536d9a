import JSZip from 'jszip';
import { shanghaiDate } from '../domain/calendar.ts';
import type { LedgerRow } from './ledger.ts';

/**
 * The 台账 as a point shapefile (.zip of .shp, .shx, .dbf, .prj, .cpg) for ArcGIS, QGIS and the
 * natural-resources bureau's tools: WGS84 positions, the attributes in a dBASE III table in UTF-8
 * (said by the .cpg, which ArcGIS and QGIS read), Chinese field names of at most three characters
 * (a field name has 10 bytes).
 */

interface DbfField {
  name: string;
  type: 'C' | 'N' | 'D';
  width: number;
  decimals?: number;
  value: (r: LedgerRow) => string | number | null;
}

const FIELDS: DbfField[] = [
  { name: '编号', type: 'N', width: 10, value: (r) => r.id },
  { name: '类型', type: 'C', width: 60, value: (r) => r.category },
  { name: '描述', type: 'C', width: 254, value: (r) => r.description },
  { name: '位置', type: 'C', width: 200, value: (r) => r.address },
  { name: '村居', type: 'C', width: 60, value: (r) => r.community },
  { name: '网格', type: 'C', width: 60, value: (r) => r.grid },
  { name: '单位', type: 'C', width: 90, value: (r) => r.unit },
  { name: '状态', type: 'C', width: 20, value: (r) => r.status },
  { name: '逾期', type: 'C', width: 4, value: (r) => (r.overdue ? '是' : '否') },
  { name: '来源', type: 'C', width: 20, value: (r) => r.source },
  { name: '发现', type: 'D', width: 8, value: (r) => shanghaiDate(r.reportedAt).replaceAll('-', '') },
  { name: '时限', type: 'D', width: 8, value: (r) => (r.deadline === null ? null : shanghaiDate(r.deadline).replaceAll('-', '')) },
  { name: '销号', type: 'D', width: 8, value: (r) => (r.closedAt === null ? null : shanghaiDate(r.closedAt).replaceAll('-', '')) },
  { name: '经度', type: 'N', width: 14, decimals: 7, value: (r) => r.lon },
  { name: '纬度', type: 'N', width: 14, decimals: 7, value: (r) => r.lat },
];

export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const encoder = new TextEncoder();

/** UTF-8 bytes of a text cut to `width` bytes without splitting a character, padded with spaces. */
function fixedText(s: string, width: number): Uint8Array {
  const out = new Uint8Array(width).fill(0x20);
  let at = 0;
  for (const ch of s.replace(/[\r\n\t]+/g, ' ')) {
    const b = encoder.encode(ch);
    if (at + b.length > width) break;
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The .shp and .shx of points: a 100-byte header each, then a record (shape type 1, x, y) per point. */
function shpShx(points: readonly [number, number][]): { shp: Buffer; shx: Buffer } {
  const n = points.length;
  const shp = Buffer.alloc(100 + n * 28);
  const shx = Buffer.alloc(100 + n * 8);
  let [minX, minY, maxX, maxY] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  if (n === 0) [minX, minY, maxX, maxY] = [0, 0, 0, 0];
  for (const [buf, words] of [
    [shp, shp.length / 2],
    [shx, shx.length / 2],
  ] as const) {
    buf.writeInt32BE(9994, 0);
    buf.writeInt32BE(words, 24);
    buf.writeInt32LE(1000, 28);
    buf.writeInt32LE(1, 32); // points
    buf.writeDoubleLE(minX, 36);
    buf.writeDoubleLE(minY, 44);
    buf.writeDoubleLE(maxX, 52);
    buf.writeDoubleLE(maxY, 60);
  }
  points.forEach(([x, y], i) => {
    const at = 100 + i * 28;
    shp.writeInt32BE(i + 1, at);
    shp.writeInt32BE(10, at + 4); // 20 bytes of content
    shp.writeInt32LE(1, at + 8);
    shp.writeDoubleLE(x, at + 12);
    shp.writeDoubleLE(y, at + 20);
    shx.writeInt32BE(at / 2, 100 + i * 8);
    shx.writeInt32BE(10, 100 + i * 8 + 4);
  });
  return { shp, shx };
}

/** The attributes as dBASE III (UTF-8 text, as the .cpg says). */
function dbf(rows: readonly LedgerRow[], now: number): Buffer {
  const recordLength = 1 + FIELDS.reduce((n, f) => n + f.width, 0);
  const headerLength = 32 + FIELDS.length * 32 + 1;
  const buf = Buffer.alloc(headerLength + rows.length * recordLength + 1, 0x20);
  buf.fill(0, 0, headerLength);
  const today = new Date(now + 8 * 3_600_000);
  buf.writeUInt8(0x03, 0);
  buf.writeUInt8(today.getUTCFullYear() - 1900, 1);
  buf.writeUInt8(today.getUTCMonth() + 1, 2);
  buf.writeUInt8(today.getUTCDate(), 3);
  buf.writeUInt32LE(rows.length, 4);
  buf.writeUInt16LE(headerLength, 8);
  buf.writeUInt16LE(recordLength, 10);
  FIELDS.forEach((f, i) => {
    const at = 32 + i * 32;
    buf.set(encoder.encode(f.name).subarray(0, 10), at);
    buf.write(f.type, at + 11, 'latin1');
    buf.writeUInt8(f.width, at + 16);
    buf.writeUInt8(f.decimals ?? 0, at + 17);
  });
  buf.writeUInt8(0x0d, headerLength - 1);
  rows.forEach((r, k) => {
    let at = headerLength + k * recordLength;
    buf.writeUInt8(0x20, at++); // not deleted
    for (const f of FIELDS) {
      const v = f.value(r);
      if (v !== null && v !== '') {
        if (f.type === 'N') {
          const text = typeof v === 'number' ? v.toFixed(f.decimals ?? 0) : String(v);
          buf.write(text.padStart(f.width, ' ').slice(-f.width), at, 'latin1');
        } else buf.set(fixedText(String(v), f.width), at);
      }
      at += f.width;
    }
  });
  buf.writeUInt8(0x1a, buf.length - 1);
  return buf;
}

/** The shapefile .zip of the rows, its files named `name` (the .shp, .shx, .dbf, .prj and .cpg). */
export async function ledgerShapefile(rows: Iterable<LedgerRow>, name: string, now: number): Promise<Buffer> {
  const list = [...rows];
  const { shp, shx } = shpShx(list.map((r) => [r.lon, r.lat]));
  const zip = new JSZip();
  zip.file(`${name}.shp`, shp);
  zip.file(`${name}.shx`, shx);
  zip.file(`${name}.dbf`, dbf(list, now));
  zip.file(`${name}.prj`, WGS84_PRJ);
  zip.file(`${name}.cpg`, 'UTF-8');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
