import { deflateSync } from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProblemRecord } from '../../server/store/records.ts';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
/** A problem in the grid manager's grids and of the demo unit. */
let own: ProblemRecord;
let other: ProblemRecord;

beforeAll(async () => {
  ctx = await demoApp(1500);
  const t = ctx.app.problemTable;
  const { gridIds } = ctx.users.grid_manager;
  for (let i = 0; i < t.size; i++) {
    const p = t.record(i);
    if (!own && gridIds.includes(p.gridId) && p.unitId === ctx.users.unit.unitId) own = p;
    if (!other && !gridIds.includes(p.gridId) && p.unitId !== ctx.users.unit.unitId) other = p;
  }
});
afterAll(async () => ctx.close());

/** A multipart/form-data body with text fields and one file. */
function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const boundary = '----chuangwen-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  problemId: number,
  kind: string,
  file: { name: string; type: string; bytes: Buffer } | undefined,
  as: 'admin' | 'grid_manager' | 'unit' | 'leader' = 'admin',
) {
  const { payload, contentType } = multipart({ kind }, file);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/problems/${problemId}/photos`,
    headers: { ...ctx.as[as], origin: ORIGIN, 'content-type': contentType },
    payload,
  });
}

/** A JPEG whose EXIF says it was taken in 盐东镇 (33.3583 N, 120.3694 E). */
async function geotaggedJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: '#4a7' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '33/1 21/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 22/1 10/1' },
    })
    .toBuffer();
}

/** A PNG whose header claims 50,000 × 50,000 pixels (the data is a few bytes). */
function hugePng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50_000, 0);
  ihdr.writeUInt32BE(50_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

describe('POST /api/problems/:id/photos', () => {
  it('stores a JPEG without EXIF (the GPS read first), with a thumbnail, named by its content', async () => {
    const original = await geotaggedJpeg();
    expect(await exifr.gps(original)).toMatchObject({ latitude: expect.closeTo(33.3583, 3) });
    const res = await upload(own.id, 'before', { name: 'IMG_0001.JPG', type: 'image/jpeg', bytes: original });
    expect(res.statusCode).toBe(201);
    const photo = res.json().photo;
    expect(photo).toMatchObject({ kind: 'before', width: 800, height: 600, lat: expect.closeTo(33.3583, 3), lon: expect.closeTo(120.3694, 3) });
    expect(photo.id).toMatch(/^[0-9a-f]{64}$/);
    const served = await ctx.app.inject({ url: photo.url, headers: ctx.as.leader });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(await exifr.gps(served.rawPayload)).toBeUndefined();
    expect(await exifr.parse(served.rawPayload)).toBeUndefined();
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    const thumb = await ctx.app.inject({ url: photo.thumbUrl, headers: ctx.as.leader });
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(320);
    const list = (await ctx.app.inject({ url: `/api/problems/${own.id}/photos`, headers: ctx.as.admin })).json().photos;
    expect(list.map((p: { id: string }) => p.id)).toContain(photo.id);
  });

  it('refuses a script renamed .jpg, a file over 10 MB, 50,000 × 50,000 pixels and a truncated JPEG, each with a clear 4xx', async () => {
    const script = await upload(own.id, 'after', { name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('#!/bin/sh\nrm -rf /\n') });
    expect(script.statusCode).toBe(415);
    expect(script.json()).toMatchObject({ field: 'file', code: 'unsupported_image' });

    const big = await upload(own.id, 'after', { name: 'big.jpg', type: 'image/jpeg', bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 0xff) });
    expect(big.statusCode).toBe(413);
    expect(big.json().message).toBeTruthy();

    const huge = await upload(own.id, 'after', { name: 'huge.png', type: 'image/png', bytes: hugePng() });
    expect(huge.statusCode).toBe(422);
    expect(huge.json()).toMatchObject({ field: 'file', code: 'too_many_pixels' });
    expect(huge.json().message).toContain('50000×50000');

    const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#a33' } })
      .composite([{ input: Buffer.from('<svg width="1200" height="900"><circle cx="600" cy="450" r="300" fill="#fc0"/></svg>') }])
      .jpeg()
      .toBuffer();
    const truncated = await upload(own.id, 'after', { name: 'cut.jpg', type: 'image/jpeg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)) });
    expect(truncated.statusCode).toBe(422);
    expect(truncated.json()).toMatchObject({ field: 'file', code: 'broken_image' });

    expect((await upload(own.id, 'sideways', { name: 'a.jpg', type: 'image/jpeg', bytes: jpeg })).json()).toMatchObject({ statusCode: 400, field: 'kind' });
    expect((await upload(own.id, 'after', undefined)).json()).toMatchObject({ statusCode: 400, field: 'file' });
  });

  it('takes uploads from who may change the problem only, and serves files to who may see it', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    const file = { name: 'a.png', type: 'image/png', bytes: png };
    expect((await upload(own.id, 'after', file, 'grid_manager')).statusCode).toBe(201);
    expect((await upload(other.id, 'after', file, 'grid_manager')).statusCode).toBe(403);
    expect((await upload(own.id, 'after', file, 'leader')).statusCode).toBe(403);
    const elsewhere = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#e91' } })
      .png()
      .toBuffer();
    const otherPhoto = (await upload(other.id, 'before', { ...file, bytes: elsewhere }, 'admin')).json().photo;
    // A unit reads its own problems only, and their photos only; a wall screen never.
    expect((await ctx.app.inject({ url: otherPhoto.url, headers: ctx.as.unit })).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: otherPhoto.url, headers: ctx.as.display })).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: otherPhoto.url })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: otherPhoto.url, headers: ctx.as.leader })).statusCode).toBe(200);
    // The same file attached to two problems: served to whoever may see either.
    expect((await upload(other.id, 'after', file, 'admin')).statusCode).toBe(201);
    const shared = (await ctx.app.inject({ url: `/api/problems/${other.id}/photos`, headers: ctx.as.admin })).json().photos;
    expect(shared).toHaveLength(2);
  });
});
