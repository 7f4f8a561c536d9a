import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { PHOTO_HEIGHT, PHOTO_WIDTH, VARIANTS } from '../../scripts/demo/photos.ts';
import { seedDemoPhotos } from '../../server/demo-seed.ts';
import { categories } from '../../server/domain/catalogue.ts';
import { PhotoFiles } from '../../server/photos.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { DEMO_NOW, tempStore } from '../helpers/demo.ts';

describe('demo photos (演示图片)', () => {
  const t = tempStore();
  const dir = join(t.dir, 'photos');
  let result: { problems: number; files: number };
  const recent: ProblemRecord[] = [];
  beforeAll(async () => {
    await t.store.load(generateDemo({ seed: 3, count: 1500, endMs: DEMO_NOW }));
    result = await seedDemoPhotos(t.store, new PhotoFiles(dir), DEMO_NOW);
    for await (const batch of t.store.scanProblems()) for (const p of batch) if (p.reportedAt >= DEMO_NOW - 60 * 86_400_000) recent.push(p);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('gives every recent problem a 整改前 photo, and the submitted and closed ones a 整改后 photo too', async () => {
    expect(result.problems).toBe(Math.min(recent.length, 400));
    expect(result.problems).toBeGreaterThan(50);
    for (const p of recent.slice(-result.problems)) {
      const kinds = (await t.store.photos(p.id)).map((ph) => ph.kind);
      expect(kinds, `problem ${p.id} (${p.status})`).toEqual(p.status === 'closed' || p.status === 'awaiting_verification' ? ['before', 'after'] : ['before']);
    }
    // Older problems get none.
    let older: ProblemRecord | undefined;
    for await (const batch of t.store.scanProblems()) older ??= batch.find((p) => p.reportedAt < DEMO_NOW - 60 * 86_400_000);
    expect(older).toBeDefined();
    expect(await t.store.photos((older as ProblemRecord).id)).toEqual([]);
  });

  it('keeps the folder small: a few drawn scenes per category, each stored once with its thumbnail, as real JPEGs', async () => {
    expect(result.files).toBeLessThanOrEqual(categories.length * VARIANTS * 2);
    const names = readdirSync(dir);
    expect(names.length).toBe(result.files * 2);
    const photo = names.find((n) => !n.endsWith('.thumb')) as string;
    const meta = await sharp(join(dir, photo)).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: PHOTO_WIDTH, height: PHOTO_HEIGHT });
    expect(meta.exif).toBeUndefined();
  });
});
