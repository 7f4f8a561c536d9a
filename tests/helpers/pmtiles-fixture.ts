import { zxyToTileId } from 'pmtiles';

/**
 * A PMTiles v3 archive written by the spec (header, root directory, JSON metadata, tile data; no
 * compression), for tests that serve a local basemap: the pmtiles library, which only reads,
 * decides whether it is right.
 */

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export interface FixtureTile {
  z: number;
  x: number;
  y: number;
  data: Buffer;
}

export function pmtilesArchive(
  tiles: readonly FixtureTile[],
  o: { type: 'png' | 'mvt'; name: string; bounds: [number, number, number, number]; vectorLayers?: string[] },
): Buffer {
  const sorted = tiles.map((t) => ({ ...t, id: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.id - b.id);
  const entries: { id: number; offset: number; length: number }[] = [];
  let offset = 0;
  for (const t of sorted) {
    entries.push({ id: t.id, offset, length: t.data.length });
    offset += t.data.length;
  }
  const dir: number[] = [];
  varint(entries.length, dir);
  let last = 0;
  for (const e of entries) {
    varint(e.id - last, dir);
    last = e.id;
  }
  for (const _ of entries) varint(1, dir); // run lengths
  for (const e of entries) varint(e.length, dir);
  entries.forEach((e, i) => {
    // 0: right after the previous entry's tile; otherwise offset + 1
    varint(i > 0 && e.offset === entries[i - 1].offset + entries[i - 1].length ? 0 : e.offset + 1, dir);
  });
  const rootDir = Buffer.from(dir);
  const metadata = Buffer.from(
    JSON.stringify({ name: o.name, attribution: '测试底图', vector_layers: (o.vectorLayers ?? []).map((id) => ({ id, fields: {} })) }),
  );
  const data = Buffer.concat(sorted.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const u64 = (v: number, at: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(127, 8);
  u64(rootDir.length, 16);
  u64(127 + rootDir.length, 24);
  u64(metadata.length, 32);
  u64(127 + rootDir.length + metadata.length, 40);
  u64(0, 48);
  u64(127 + rootDir.length + metadata.length, 56);
  u64(data.length, 64);
  u64(entries.length, 72);
  u64(entries.length, 80);
  u64(entries.length, 88);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(o.type === 'png' ? 2 : 1, 99);
  const zooms = tiles.map((t) => t.z);
  header.writeUInt8(Math.min(...zooms), 100);
  header.writeUInt8(Math.max(...zooms), 101);
  const e7 = (v: number, at: number) => header.writeInt32LE(Math.round(v * 1e7), at);
  e7(o.bounds[0], 102);
  e7(o.bounds[1], 106);
  e7(o.bounds[2], 110);
  e7(o.bounds[3], 114);
  header.writeUInt8(Math.min(...zooms), 118);
  e7((o.bounds[0] + o.bounds[2]) / 2, 119);
  e7((o.bounds[1] + o.bounds[3]) / 2, 123);
  return Buffer.concat([header, rootDir, metadata, data]);
}

/** The Web Mercator tile holding a point at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x, y };
}
