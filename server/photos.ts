import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp, { type Metadata } from 'sharp';
import { RequestError } from './errors.ts';

/** Largest upload accepted, in bytes. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Largest image accepted, in pixels (a phone camera is 12–50 MP); checked from the header before decoding. */
export const MAX_PHOTO_PIXELS = 60_000_000;
/** Longest side of the stored photo and of its thumbnail. */
const STORED_SIDE = 2560;
const THUMB_SIDE = 320;

const FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
type Format = keyof typeof FORMATS;

export interface ProcessedPhoto {
  /** SHA-256 of the stored file: its name and id. */
  id: string;
  mime: string;
  width: number;
  height: number;
  stored: Buffer;
  thumb: Buffer;
  /** The camera's GPS position, read before the metadata was stripped, or null. */
  gps: { lon: number; lat: number } | null;
}

const refuse = (code: string, message: string, status = 422) => new RequestError(status, code, 'file', message);

/**
 * Checks an upload by its content (not its name): JPEG, PNG or WebP only, within the pixel limit,
 * decodable to the end. Reads the GPS position, then re-encodes it without any metadata (EXIF,
 * XMP, ICC comments), turned upright, at most 2560 px a side, and makes a 320 px WebP thumbnail.
 */
export async function processPhoto(input: Buffer): Promise<ProcessedPhoto> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw refuse('unsupported_image', '文件不是可识别的图片，只接受 JPEG、PNG 或 WebP 照片', 415);
  }
  const format = meta.format as string;
  if (!(format in FORMATS)) throw refuse('unsupported_image', `不支持的图片格式（${format}），只接受 JPEG、PNG 或 WebP`, 415);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_PHOTO_PIXELS) {
    throw refuse('too_many_pixels', `图片过大（${width}×${height} 像素），最多 ${MAX_PHOTO_PIXELS / 1_000_000} 百万像素`);
  }
  let gps: ProcessedPhoto['gps'] = null;
  try {
    const g = await exifr.gps(input);
    if (g && Number.isFinite(g.longitude) && Number.isFinite(g.latitude)) gps = { lon: g.longitude, lat: g.latitude };
  } catch {
    // No readable EXIF: no position to suggest.
  }
  try {
    // failOn 'truncated': a cut-off upload is refused instead of stored half grey.
    const image = sharp(input, { failOn: 'truncated', limitInputPixels: MAX_PHOTO_PIXELS }).rotate();
    const resized = image.clone().resize({ width: STORED_SIDE, height: STORED_SIDE, fit: 'inside', withoutEnlargement: true });
    const encoded = format === 'jpeg' ? resized.jpeg({ quality: 85, mozjpeg: true }) : format === 'png' ? resized.png() : resized.webp({ quality: 85 });
    const { data: stored, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumb = await image
      .clone()
      .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return {
      id: createHash('sha256').update(stored).digest('hex'),
      mime: FORMATS[format as Format],
      width: info.width,
      height: info.height,
      stored,
      thumb,
      gps,
    };
  } catch {
    throw refuse('broken_image', '图片已损坏或不完整，请重新拍摄或上传');
  }
}

/**
 * Where photo files live, by content hash: a photo and its thumbnail. The database keeps their
 * records; the bytes live here. `PhotoFiles` is a directory (which several server processes share,
 * an NFS mount, say); an object store (MinIO, OSS) can fill the same two calls.
 */
export interface PhotoBlobs {
  /** Stores both files; a second save of the same id writes the same bytes. */
  save(p: ProcessedPhoto): Promise<void>;
  /** The stored photo or its thumbnail; rejects when there is none. */
  read(id: string, thumb: boolean): Promise<Buffer>;
}

/** Photo files by content hash in the data directory: `<id>` and `<id>.thumb`. */
export class PhotoFiles implements PhotoBlobs {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes both files (atomically: a temporary name, then a rename; processes may share the folder). */
  async save(p: ProcessedPhoto): Promise<void> {
    for (const [name, bytes] of [
      [p.id, p.stored],
      [`${p.id}.thumb`, p.thumb],
    ] as const) {
      const tmp = join(this.dir, `${name}.tmp-${process.pid}-${randomUUID()}`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(this.dir, name));
    }
  }

  async read(id: string, thumb: boolean): Promise<Buffer> {
    return readFile(join(this.dir, thumb ? `${id}.thumb` : id));
  }
}
