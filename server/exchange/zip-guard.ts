import { inflateRawSync } from 'node:zlib';
import { UnreadableFile } from './unreadable.ts';

/**
 * Checks an uploaded zip (.xlsx, .kmz, a shapefile .zip) before any library opens it: its
 * entries are inflated here, each with a ceiling, so that a zip bomb (a few MB that inflate to
 * gigabytes) or a header that lies about an entry's size is refused in bounded memory.
 */

export interface ZipLimits {
  /** The most all entries may inflate to together. */
  maxTotalBytes: number;
  /** The most entries. */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 512 * 1024 * 1024, maxEntries: 10_000 };

export interface ZipEntry {
  name: string;
  /** The inflated bytes. */
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function bad(why: string): never {
  throw new UnreadableFile(`压缩文件不安全或已损坏（${why}），已拒绝`);
}

/** Every entry of the zip, inflated within the limits (names decoded as UTF-8, or GB18030 when not flagged UTF-8). */
export function readZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  // the end-of-central-directory record: in the last 64 KiB + 22 bytes
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) bad('找不到目录');
  const count = bytes.readUInt16LE(end + 10);
  const size = bytes.readUInt32LE(end + 12);
  const offset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) bad('ZIP64 文件过大');
  if (count > limits.maxEntries) bad(`文件数 ${count} 过多`);
  if (offset + size > end) bad('目录位置无效');
  const entries: ZipEntry[] = [];
  let budget = limits.maxTotalBytes;
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > end || bytes.readUInt32LE(p) !== CENTRAL) bad('目录项无效');
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const compressed = bytes.readUInt32LE(p + 20);
    const declared = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const local = bytes.readUInt32LE(p + 42);
    const rawName = bytes.subarray(p + 46, p + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'gb18030').decode(rawName);
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL) bad(`${name} 的位置无效`);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + compressed > bytes.length) bad(`${name} 超出文件末尾`);
    if (declared > budget) bad(`解压后超过 ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB`);
    const raw = bytes.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        // the ceiling is what is left of the budget, whatever the header says
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, budget) });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') bad(`解压后超过 ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB`);
        bad(`${name} 无法解压`);
      }
    } else bad(`${name} 的压缩方式 ${method} 不受支持`);
    if (data.length !== declared) bad(`${name} 的实际大小与声明不符`);
    budget -= data.length;
    entries.push({ name, data });
  }
  return entries;
}
