import { describe, expect, it } from 'vitest';
import {
  allocatePoints,
  decodePoints,
  MAX_POINTS,
  OVERDUE_BIT,
  POINT_BYTES,
  POINTS_HEADER_BYTES,
  PointsFormatError,
} from '../../server/domain/points-codec.ts';

function roundTrip(count: number) {
  const { buffer, points } = allocatePoints(count, 120.37, 33.35);
  for (let i = 0; i < count; i++) {
    points.dLon[i] = ((i % 1000) - 500) * 1e-4;
    points.dLat[i] = ((i % 777) - 388) * 1e-4;
    points.id[i] = i + 1;
    points.category[i] = i % 16;
    points.status[i] = (i % 5) | (i % 3 === 0 ? OVERDUE_BIT : 0);
  }
  // Copy the bytes, as the network would, then decode.
  return { written: points, read: decodePoints(buffer.slice(0)), buffer };
}

describe('points codec', () => {
  it('round-trips zero points as a bare header', () => {
    const { read, buffer } = roundTrip(0);
    expect(buffer.byteLength).toBe(POINTS_HEADER_BYTES);
    expect(read.count).toBe(0);
    expect(read.originLon).toBe(120.37);
  });

  it('round-trips points with 14 bytes each', () => {
    const { written, read, buffer } = roundTrip(12_345);
    expect(buffer.byteLength).toBe(POINTS_HEADER_BYTES + POINT_BYTES * 12_345);
    expect(POINT_BYTES).toBeLessThanOrEqual(14);
    for (const k of ['dLon', 'dLat', 'id', 'category', 'status'] as const) expect(read[k]).toEqual(written[k]);
    expect(read.originLat).toBe(33.35);
  });

  it('round-trips the maximum count and refuses one more', () => {
    const { read } = roundTrip(MAX_POINTS);
    expect(read.count).toBe(MAX_POINTS);
    expect(read.id[MAX_POINTS - 1]).toBe(MAX_POINTS);
    expect(read.status[MAX_POINTS - 1]).toBe(((MAX_POINTS - 1) % 5) | ((MAX_POINTS - 1) % 3 === 0 ? OVERDUE_BIT : 0));
    expect(() => allocatePoints(MAX_POINTS + 1, 0, 0)).toThrow(RangeError);
  });

  it('keeps positions to the millimetre through the origin offsets', () => {
    const { buffer, points } = allocatePoints(1, 120.37, 33.35);
    const lon = 120.4873621;
    points.dLon[0] = lon - 120.37;
    const read = decodePoints(buffer);
    expect(Math.abs(read.originLon + read.dLon[0] - lon) * 93_000).toBeLessThan(0.001); // metres per degree of longitude here
  });

  it('refuses bytes that are not a points answer', () => {
    const { buffer } = allocatePoints(3, 0, 0);
    expect(() => decodePoints(new ArrayBuffer(10))).toThrow(PointsFormatError);
    expect(() => decodePoints(buffer.slice(0, buffer.byteLength - 1))).toThrow(/length/);
    const bad = buffer.slice(0);
    new Uint8Array(bad)[0] = 0x58;
    expect(() => decodePoints(bad)).toThrow(/magic/);
    const future = buffer.slice(0);
    new DataView(future).setUint16(4, 2, true);
    expect(() => decodePoints(future)).toThrow(/version/);
  });
});
