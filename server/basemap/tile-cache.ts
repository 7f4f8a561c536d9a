import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Tiles kept on disk under a size cap: a tile read is touched (its time bumped), and when the
 * cache grows past the cap the least recently used tiles go until it is at 90 % of it. The total
 * is counted once at start and kept up to date by this process.
 */
export class TileCache {
  #bytes = 0;
  readonly #sizes = new Map<string, number>();

  constructor(
    readonly dir: string,
    readonly capBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && !e.name.endsWith('.part')) {
          const size = statSync(p).size;
          this.#sizes.set(relative(dir, p), size);
          this.#bytes += size;
        }
      }
    };
    walk(dir);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#sizes.size;
  }

  /** A cached tile, touched as just used; null when not cached. */
  get(key: string): Buffer | null {
    if (!this.#sizes.has(key)) return null;
    const p = join(this.dir, key);
    try {
      const data = readFileSync(p);
      const now = new Date();
      utimesSync(p, now, now);
      return data;
    } catch {
      this.#forget(key);
      return null;
    }
  }

  /** Keeps a tile (written whole, then renamed: a crash leaves no half tile), then trims to the cap. */
  put(key: string, data: Buffer): void {
    const p = join(this.dir, key);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(`${p}.part`, data);
    renameSync(`${p}.part`, p);
    this.#forget(key);
    this.#sizes.set(key, data.length);
    this.#bytes += data.length;
    if (this.#bytes > this.capBytes) this.#trim();
  }

  #forget(key: string): void {
    const size = this.#sizes.get(key);
    if (size === undefined) return;
    this.#sizes.delete(key);
    this.#bytes -= size;
  }

  /** Removes the least recently used tiles until the cache is at 90 % of its cap. */
  #trim(): void {
    const byAge = [...this.#sizes.keys()]
      .map((key) => {
        try {
          return { key, at: statSync(join(this.dir, key)).mtimeMs };
        } catch {
          return { key, at: 0 };
        }
      })
      .sort((a, b) => a.at - b.at);
    for (const { key } of byAge) {
      if (this.#bytes <= this.capBytes * 0.9) break;
      try {
        unlinkSync(join(this.dir, key));
      } catch {
        // already gone
      }
      this.#forget(key);
    }
  }
}
