/**
 * The binary layout of `GET /api/problems/points`: every matching problem as a point, columnar
 * and little-endian, so a client makes typed-array views over the buffer without copying.
 *
 * | offset          | size   | field                                             |
 * |-----------------|--------|---------------------------------------------------|
 * | 0               | 4      | magic "CWPT"                                      |
 * | 4               | u16    | format version (1)                                |
 * | 6               | u16    | header size in bytes (32)                         |
 * | 8               | u32    | point count N                                     |
 * | 12              | u32    | reserved (0)                                      |
 * | 16              | f64    | origin longitude                                  |
 * | 24              | f64    | origin latitude                                   |
 * | 32              | f32×N  | longitude − origin                                |
 * | 32 + 4N         | f32×N  | latitude − origin                                 |
 * | 32 + 8N         | u32×N  | problem id (for details: /api/problems/:id)       |
 * | 32 + 12N        | u8×N   | category index in /api/meta `categories`          |
 * | 32 + 13N        | u8×N   | status index in /api/meta `statuses`; bit 7 set when overdue |
 *
 * 14 bytes a point. Offsets relative to an origin keep float32 exact to millimetres in a town.
 */
export const POINTS_MAGIC = 'CWPT';
export const POINTS_VERSION = 1;
export const POINTS_HEADER_BYTES = 32;
export const POINT_BYTES = 14;
/** The most points one answer may hold (a district-sized dataset). */
export const MAX_POINTS = 4_000_000;
/** Bit of the status byte that marks an overdue problem. */
export const OVERDUE_BIT = 0x80;

export interface Points {
  count: number;
  originLon: number;
  originLat: number;
  /** Offsets from the origin, degrees. */
  dLon: Float32Array;
  dLat: Float32Array;
  id: Uint32Array;
  category: Uint8Array;
  /** Status index, with OVERDUE_BIT set for overdue problems. */
  status: Uint8Array;
}

export class PointsFormatError extends Error {
  override name = 'PointsFormatError';
}

/** Allocates a points buffer for `count` points and returns writable views over it. */
export function allocatePoints(count: number, originLon: number, originLat: number): { buffer: ArrayBuffer; points: Points } {
  if (!Number.isInteger(count) || count < 0 || count > MAX_POINTS) throw new RangeError(`point count must be 0–${MAX_POINTS}, got ${count}`);
  const buffer = new ArrayBuffer(POINTS_HEADER_BYTES + POINT_BYTES * count);
  const view = new DataView(buffer);
  for (let i = 0; i < 4; i++) view.setUint8(i, POINTS_MAGIC.charCodeAt(i));
  view.setUint16(4, POINTS_VERSION, true);
  view.setUint16(6, POINTS_HEADER_BYTES, true);
  view.setUint32(8, count, true);
  view.setUint32(12, 0, true);
  view.setFloat64(16, originLon, true);
  view.setFloat64(24, originLat, true);
  return { buffer, points: views(buffer, count, originLon, originLat) };
}

function views(buffer: ArrayBuffer, count: number, originLon: number, originLat: number, base = 0): Points {
  const h = base + POINTS_HEADER_BYTES;
  return {
    count,
    originLon,
    originLat,
    dLon: new Float32Array(buffer, h, count),
    dLat: new Float32Array(buffer, h + 4 * count, count),
    id: new Uint32Array(buffer, h + 8 * count, count),
    category: new Uint8Array(buffer, h + 12 * count, count),
    status: new Uint8Array(buffer, h + 13 * count, count),
  };
}

/**
 * Reads a points answer without copying: the typed arrays are views over `buffer`.
 * @throws PointsFormatError when the bytes are not a points answer of a known version.
 */
export function decodePoints(buffer: ArrayBuffer, byteOffset = 0): Points {
  if (buffer.byteLength - byteOffset < POINTS_HEADER_BYTES) throw new PointsFormatError('shorter than the header');
  if (byteOffset % 8 !== 0) throw new PointsFormatError('byteOffset must be a multiple of 8');
  const view = new DataView(buffer, byteOffset);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== POINTS_MAGIC) throw new PointsFormatError(`bad magic "${magic}"`);
  const version = view.getUint16(4, true);
  if (version !== POINTS_VERSION) throw new PointsFormatError(`unknown version ${version}`);
  if (view.getUint16(6, true) !== POINTS_HEADER_BYTES) throw new PointsFormatError('unexpected header size');
  const count = view.getUint32(8, true);
  if (count > MAX_POINTS) throw new PointsFormatError(`count ${count} over the maximum`);
  if (buffer.byteLength - byteOffset !== POINTS_HEADER_BYTES + POINT_BYTES * count) throw new PointsFormatError('length does not match the count');
  return views(buffer, count, view.getFloat64(16, true), view.getFloat64(24, true), byteOffset);
}
