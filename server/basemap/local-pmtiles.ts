import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PMTiles, type Source, TileType } from 'pmtiles';
import { Type } from 'typebox';
import { RequestError } from '../errors.ts';
import { sendStream } from '../routes/send-serialized.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';

/**
 * Local basemaps: `.pmtiles` archives (one file of raster or vector tiles, e.g. cut from a
 * provincial imagery service or from OpenStreetMap with `pmtiles extract`) dropped into a folder
 * on the server. Browsers read them with HTTP range requests through the pmtiles protocol, so a
 * command room without internet still has a real basemap. The folder is read on each listing:
 * a file copied in is offered without a restart.
 */

export interface LocalArchive {
  file: string;
  name: string;
  kind: 'raster' | 'vector';
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  /** Vector archives: their layers (what a generic style draws). */
  layers: string[];
  attribution: string;
}

const PMTILES_TYPE = 'application/vnd.pmtiles';

/** A file name a URL may name: letters (CJK included), digits, `_ . -`, ending .pmtiles. */
const FILE_NAME = /^[\p{L}\p{N}_.-]{1,120}\.pmtiles$/u;

/** An archive file read through the pmtiles library (header, metadata). */
class FileSource implements Source {
  constructor(private readonly path: string) {}
  getKey(): string {
    return this.path;
  }
  async getBytes(offset: number, length: number) {
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      const data = buf.subarray(0, bytesRead);
      return { data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
    } finally {
      await fh.close();
    }
  }
}

const described = new Map<string, { stamp: string; archive: LocalArchive | null }>();

/** What an archive holds, read once per version of the file; null when it is no PMTiles v3 archive. */
async function describe(dir: string, file: string): Promise<LocalArchive | null> {
  const path = join(dir, file);
  const s = await stat(path);
  const stamp = `${s.size}:${s.mtimeMs}`;
  const known = described.get(path);
  if (known?.stamp === stamp) return known.archive;
  let archive: LocalArchive | null = null;
  try {
    const p = new PMTiles(new FileSource(path));
    const h = await p.getHeader();
    const raster = [TileType.Png, TileType.Jpeg, TileType.Webp].includes(h.tileType);
    if (raster || h.tileType === TileType.Mvt) {
      const meta = ((await p.getMetadata()) ?? {}) as { name?: string; attribution?: string; vector_layers?: { id: string }[] };
      archive = {
        file,
        name: meta.name?.trim() || file.replace(/\.pmtiles$/, ''),
        kind: raster ? 'raster' : 'vector',
        minzoom: h.minZoom,
        maxzoom: h.maxZoom,
        bounds: [h.minLon, h.minLat, h.maxLon, h.maxLat],
        layers: (meta.vector_layers ?? []).map((l) => l.id),
        attribution: meta.attribution ?? '',
      };
    }
  } catch {
    archive = null; // not an archive (a half-copied file, something else): not offered
  }
  described.set(path, { stamp, archive });
  return archive;
}

/** The archives in `dir` (none when there is no such folder). */
export async function localArchives(dir: string | null): Promise<LocalArchive[]> {
  if (!dir) return [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => FILE_NAME.test(f)).sort();
  } catch {
    return [];
  }
  return (await Promise.all(files.map((f) => describe(dir, f)))).filter((a): a is LocalArchive => a !== null);
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against a file of `size` bytes: the range, or null when unsatisfiable. */
export function byteRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

const localPmtilesRoutes: FastifyPluginAsyncTypebox<{ dir: string | null }> = async (app, { dir }) => {
  app.get(
    '/api/basemaps/files/:file',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['basemaps'],
        summary: '本地底图文件（.pmtiles，支持 HTTP Range 分段读取）',
        params: Type.Object({ file: Type.String({ maxLength: 140 }) }),
        response: { 200: Type.String({ format: 'binary' }), 206: Type.String({ format: 'binary' }), ...errorResponses, 404: ErrorResponse, 416: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { file } = req.params;
      const archive = (await localArchives(dir)).find((a) => a.file === file);
      if (!dir || !archive) throw new RequestError(404, 'not_found', 'file', `没有本地底图文件“${file}”`);
      const path = join(dir, file);
      const { size, mtimeMs } = await stat(path);
      const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
      reply.header('accept-ranges', 'bytes').header('etag', etag).header('cache-control', 'private, max-age=3600');
      const range = req.headers.range;
      if (range === undefined) return sendStream(reply.header('content-length', size), createReadStream(path), PMTILES_TYPE);
      const r = byteRange(range, size);
      if (!r) {
        reply.header('content-range', `bytes */${size}`);
        throw new RequestError(416, 'bad_range', 'Range', `请求的范围（${range}）超出文件大小 ${size} 字节`);
      }
      reply
        .code(206)
        .header('content-range', `bytes ${r.start}-${r.end}/${size}`)
        .header('content-length', r.end - r.start + 1);
      return sendStream(reply, createReadStream(path, { start: r.start, end: r.end }), PMTILES_TYPE);
    },
  );
};

export default localPmtilesRoutes;
