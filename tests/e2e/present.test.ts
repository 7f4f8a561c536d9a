import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { binGrid, binPoints, sharedMax } from '../../client/present/bins.ts';
import { decodePoints } from '../../server/domain/points-codec.ts';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { addCasePhotos, ORIGIN } from '../helpers/demo.ts';
import { ARTIFACTS, type BrowserSuite, browserSuite, keepShot, pixels, sceneDrawnMs, watchedPage } from './browser.ts';

vi.setConfig({ testTimeout: 300_000 });

let suite: BrowserSuite;
let deck: { id: number; scenes: SceneValue[] };

beforeAll(async () => {
  suite = await browserSuite(3000);
  // A typical case for the deck: a problem closed in October with a before and an after photo.
  expect(await addCasePhotos(suite.ctx, Date.parse('2026-10-01T00:00:00+08:00'), Date.parse('2026-11-01T00:00:00+08:00'))).toHaveLength(1);
  const made = await suite.ctx.app.inject({
    method: 'POST',
    url: '/api/decks/generate',
    headers: { ...suite.ctx.as.admin, origin: ORIGIN },
    payload: { month: '2026-10' },
  });
  expect(made.statusCode).toBe(201);
  deck = made.json();
}, 120_000);
afterAll(async () => suite?.close());

/** The API's answer to a URL written out by hand, as a leader. */
const api = async (url: string) => (await suite.ctx.app.inject({ url, headers: suite.ctx.as.leader })).json();
const sceneIndex = (id: string) => deck.scenes.findIndex((s) => s.id === id);

/** The show's slide in sight (the other one draws the next scene ahead, hidden). */
const SIGHT = '.show-slide.in-sight';

/** Waits until the show has drawn scene `i` (every map finished a frame). */
const waitDrawn = (page: Page, i: number) => page.locator(`.show[data-drawn="${i}"]`).waitFor({ timeout: 60_000 });

/** How many distinct colours a box of the screen has (a blank map or slide has one or two). */
async function colours(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = await page.screenshot();
  const at: [number, number][] = [];
  for (let gx = 1; gx < 12; gx++) for (let gy = 1; gy < 8; gy++) at.push([box.x + (box.width * gx) / 12, box.y + (box.height * gy) / 8]);
  const rgba = await pixels(page, png, at);
  return new Set(
    rgba.map((p) =>
      p
        .slice(0, 3)
        .map((c) => c >> 3)
        .join(','),
    ),
  ).size;
}

/** Every piece of text on the slide (HTML and the charts' SVG) with its rendered size in px. */
async function textSizes(page: Page): Promise<{ text: string; px: number }[]> {
  return page.evaluate(() => {
    const out: { text: string; px: number }[] = [];
    const slide = document.querySelector('.show-slide.in-sight .slide') ?? document.querySelector('.slide');
    if (!slide) return out;
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement as Element | null;
      if (!text || !el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // SVG text is scaled with its drawing: its size on screen is its own times the drawing's scale
      const size = Number.parseFloat(getComputedStyle(el).fontSize);
      const px = el instanceof SVGGraphicsElement ? size * (el.getScreenCTM()?.d ?? 1) : size;
      out.push({ text: text.slice(0, 20), px });
    }
    return out;
  });
}

describe('showing a deck (放映)', () => {
  it('a clicker’s keys go through every scene, each drawn; the presenter view follows; no text under 24 px at 1080p; B blacks, Esc leaves', async () => {
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.leader, { width: 1920, height: 1080 });
    const presenter = await w.page.context().newPage();
    await presenter.goto(`${suite.origin}/present/${deck.id}/presenter`);
    await w.page.goto(`${suite.origin}/present/${deck.id}`);
    const times: [string, number][] = [];
    for (const [i, scene] of deck.scenes.entries()) {
      if (i > 0) {
        // as a speaker: the key once the next scene is drawn ahead (seconds; a speaker talks for minutes)
        await w.page.locator(`.show[data-ready="${i}"]`).waitFor({ timeout: 60_000 });
        await w.page.keyboard.press(i % 3 === 0 ? 'Space' : i % 3 === 1 ? 'PageDown' : 'ArrowRight');
      }
      times.push([scene.id, await sceneDrawnMs(w.page, i)]);
      expect(await w.page.locator(`${SIGHT} .slide`).getAttribute('data-scene')).toBe(scene.id);
      // drawn: the map (or the slide without one) has a picture, not a blank
      const maps = w.page.locator(`${SIGHT} .slide-map`);
      const boxes = await maps.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      if (scene.map.mode !== 'none') {
        expect(boxes.length, scene.id).toBe(scene.compareWith ? 2 : 1);
        for (const b of boxes) expect(await colours(w.page, b), `${scene.id}: map drawn`).toBeGreaterThan(5);
      } else {
        // a slide without a map: its title is drawn
        const title = await w.page.locator(`${SIGHT} .slide-head h1`).evaluate((e) => e.getBoundingClientRect().toJSON());
        expect(await colours(w.page, title), `${scene.id}: slide drawn`).toBeGreaterThan(1);
      }
      // projector-proof: every text at least 24 px
      const small = (await textSizes(w.page)).filter((t) => t.px < 24);
      expect(small, scene.id).toEqual([]);
      // the presenter view is on the same scene, with its notes
      await presenter.locator(`.presenter[data-index="${i}"]`).waitFor();
      expect(await presenter.locator('[data-notes]').textContent()).toBe(scene.notes || '（本页没有备注）');
      if (['cover', 'hotspot-1', 'red-black', 'case-1'].includes(scene.id)) await w.page.screenshot({ path: join(ARTIFACTS, `present-1920-${scene.id}.png`) });
    }
    console.log(`scenes drawn after the key (software GL): ${times.map(([id, ms]) => `${id} ${ms} ms`).join(', ')}`);
    // each scene reached by a key on the screen, drawn, within 3 s of it (the first counts the page's load)
    expect(times.slice(1).filter(([, ms]) => ms > 3000)).toEqual([]);
    // back with PageUp, then the presenter drives the show
    await w.page.keyboard.press('PageUp');
    await w.page.locator(`.show[data-index="${deck.scenes.length - 2}"]`).waitFor();
    await presenter.getByRole('button', { name: '上一页' }).click();
    await w.page.locator(`.show[data-index="${deck.scenes.length - 3}"]`).waitFor();
    // B blacks the screen and brings it back
    await w.page.keyboard.press('b');
    await w.page.locator('.show[data-black="true"]').waitFor();
    expect((await pixels(w.page, await w.page.screenshot(), [[960, 540]]))[0].slice(0, 3)).toEqual([0, 0, 0]);
    await presenter.locator('.presenter-count', { hasText: '黑屏中' }).waitFor();
    await w.page.keyboard.press('B');
    await w.page.locator('.show[data-black="false"]').waitFor();
    await w.page.keyboard.press('Escape');
    await w.page.waitForURL(`${suite.origin}/present`);
    expect(w.consoleErrors.filter((e) => !e.includes('luma.gl'))).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.page.context().close();
  });

  it('a comparison’s two halves share one legend domain: the largest hexagon of either month', async () => {
    const i = sceneIndex('hotspot-1');
    const scene = deck.scenes[i];
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.leader, { width: 1920, height: 1080 });
    await w.page.goto(`${suite.origin}/present/${deck.id}#${i + 1}`);
    await waitDrawn(w.page, i);
    const domains = await w.page.locator(`${SIGHT} .slide-map`).evaluateAll((els) => els.map((e) => e.getAttribute('data-domain')));
    const legend = await w.page.locator(`${SIGHT} .slide-legend`).getAttribute('data-domain');
    // the same count, worked out here from the API's points for each month
    const meta = await api('/api/meta');
    const grid = binGrid(meta.bbox);
    const bins = [];
    for (const p of [scene.filters.period, scene.compareWith]) {
      const res = await suite.ctx.app.inject({ url: `/api/problems/points?from=${p?.from}&to=${p?.to}`, headers: suite.ctx.as.leader });
      const buf = res.rawPayload;
      bins.push(binPoints(decodePoints(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer), grid));
    }
    const max = sharedMax(bins);
    expect(Math.max(...bins.map((b) => sharedMax([b])))).toBe(max);
    expect(domains).toEqual([String(max), String(max)]);
    expect(legend).toBe(String(max));
    expect(await w.page.locator(`${SIGHT} .slide-map-label`).allTextContents()).toEqual(['2026年10月', '2026年9月']);
    await w.page.context().close();
  });

  it('right at 4:3: at 1024×768 nothing leaves the screen and the text scales with it', async () => {
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.leader, { width: 1024, height: 768 });
    for (const id of ['cover', 'hotspot-1', 'red-black', 'case-1']) {
      const i = sceneIndex(id);
      await w.page.goto(`${suite.origin}/present/${deck.id}#${i + 1}`);
      await waitDrawn(w.page, i);
      const outside = await w.page.evaluate(() =>
        [...document.querySelectorAll('.show-slide.in-sight .slide *')]
          .map((e) => ({ e, r: e.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 0 && (r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1))
          .map(({ e }) => `${e.tagName}.${e.className}`),
      );
      expect(outside, id).toEqual([]);
      // 28 px at 1080 lines is 19.9 px at 768
      const sizes = (await textSizes(w.page)).map((t) => t.px);
      expect(Math.min(...sizes), id).toBeGreaterThanOrEqual(17);
      await keepShot(w.page, `present-1024-${id}.png`);
    }
    await w.page.context().close();
  });
});

describe('taking a deck away', () => {
  it('PPTX: a slide per scene, native charts holding the API’s numbers, notes, captions, the maps as pictures', async () => {
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.admin, { width: 1366, height: 768 });
    await w.page.goto(`${suite.origin}/present`);
    const t = Date.now();
    const [download] = await Promise.all([w.page.waitForEvent('download', { timeout: 180_000 }), w.page.locator(`[data-export="${deck.id}"]`).click()]);
    const file = await download.path();
    console.log(`PPTX of ${deck.scenes.length} scenes in ${Date.now() - t} ms (software GL)`);
    expect(download.suggestedFilename()).toBe('2026年10月创文工作通报.pptx');
    const zip = await JSZip.loadAsync(readFileSync(file));
    const text = async (name: string) => {
      const f = zip.file(name);
      expect(f, name).not.toBeNull();
      return (await f?.async('string')) ?? '';
    };
    const types = await text('[Content_Types].xml');
    const slideText = (xml: string) => [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1].replaceAll('&lt;', '<').replaceAll('&amp;', '&')).join('');
    let charts = 0;
    let pictures = 0;
    const chartValues = async (k: number) => {
      const xml = await text(`ppt/charts/chart${k}.xml`);
      expect(types).toContain(`/ppt/charts/chart${k}.xml`);
      return [...xml.matchAll(/<c:ser>([\s\S]*?)<\/c:ser>/g)].map(([, ser]) => {
        const name = /<c:tx>[\s\S]*?<c:v>([^<]*)<\/c:v>/.exec(ser)?.[1];
        const cat = /<c:cat>([\s\S]*?)<\/c:cat>/.exec(ser)?.[1] ?? '';
        const val = /<c:val>([\s\S]*?)<\/c:val>/.exec(ser)?.[1] ?? '';
        const vs = (s: string) => [...s.matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((m) => m[1]);
        return { name, labels: vs(cat), values: vs(val).map(Number) };
      });
    };
    for (const [i, scene] of deck.scenes.entries()) {
      const n = i + 1;
      const slide = await text(`ppt/slides/slide${n}.xml`);
      expect(types).toContain(`/ppt/slides/slide${n}.xml`);
      const words = slideText(slide);
      expect(words, scene.id).toContain(scene.title);
      if (scene.caption) expect(words, scene.id).toContain(scene.caption);
      expect(slide).toContain('typeface="Microsoft YaHei"');
      if (scene.notes) expect(slideText(await text(`ppt/notesSlides/notesSlide${n}.xml`)), scene.id).toContain(scene.notes);
      const rels = await text(`ppt/slides/_rels/slide${n}.xml.rels`);
      const images = [...rels.matchAll(/Target="\.\.\/media\/([^"]+\.jpeg)"/g)].length;
      if (scene.map.mode !== 'none') {
        expect(images, scene.id).toBe(scene.compareWith ? 2 : 1);
        pictures += images;
      }
      if (scene.side.kind === 'table') expect(slide, scene.id).toContain('<a:tbl>');
      if (scene.side.kind !== 'chart') continue;
      charts += 1;
      expect(rels).toContain(`/ppt/charts/chart${charts}.xml"`);
      const series = await chartValues(charts);
      const period = scene.filters.period;
      const q = `from=${period?.from}&to=${period?.to}`;
      if (scene.side.chart === 'trend') {
        const periods = (await api(`/api/stats/trend?${q}&interval=month`)).periods as { period: string; reported: number; closed: number }[];
        expect(series).toEqual([
          { name: '上报', labels: periods.map((p) => p.period), values: periods.map((p) => p.reported) },
          { name: '销号', labels: periods.map((p) => p.period), values: periods.map((p) => p.closed) },
        ]);
      } else if (scene.side.chart === 'categories') {
        const rows = ((await api(`/api/stats/categories?${q}`)).categories as { name: string; total: number; closed: number }[])
          .filter((r) => r.total > 0)
          .slice(0, 10);
        // bars are written bottom-up
        expect(series).toEqual([
          { name: '问题数', labels: rows.map((r) => r.name).reverse(), values: rows.map((r) => r.total).reverse() },
          { name: '已整改', labels: rows.map((r) => r.name).reverse(), values: rows.map((r) => r.closed).reverse() },
        ]);
      } else if (scene.side.chart === 'scores') {
        // the month's assessment, best first, a vetoed village marked
        const { scores } = (await api(`/api/scores?month=${period?.from.slice(0, 7)}`)) as { scores: { name: string; score: number; vetoes: unknown[] }[] };
        const labels = scores.map((x) => (x.vetoes.length > 0 ? `${x.name}（否决）` : x.name));
        expect(series).toEqual([{ name: '得分', labels: labels.reverse(), values: scores.map((x) => x.score).reverse() }]);
      } else {
        const rows = (
          (await api(`/api/stats/communities?${q}&sort=rectificationRate`)).communities as { name: string; total: number; rectificationRate: number }[]
        ).filter((r) => r.total > 0);
        expect(series).toEqual([{ name: '整改率', labels: rows.map((r) => r.name).reverse(), values: rows.map((r) => r.rectificationRate).reverse() }]);
      }
    }
    expect(charts).toBe(deck.scenes.filter((s) => s.side.kind === 'chart').length);
    expect(Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f))).toHaveLength(deck.scenes.length);
    expect(Object.keys(zip.files).filter((f) => /^ppt\/media\/.*\.jpeg$/.test(f)).length).toBeGreaterThanOrEqual(pictures);
    // a map picture is drawn at 2×: a single map's picture is 1516 px wide
    const first = Object.keys(zip.files).find((f) => /^ppt\/media\/image-2-1\.jpeg$/.test(f));
    const jpeg = await zip.file(first ?? '')?.async('uint8array');
    const size = await w.page.evaluate(
      async (b64) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/jpeg;base64,${b64}`)).blob());
        return [bitmap.width, bitmap.height];
      },
      Buffer.from(jpeg ?? []).toString('base64'),
    );
    expect(size).toEqual([1516, 998]);
    expect(w.outside).toEqual([]);
    await w.page.context().close();
  });

  it('逐月变化: twelve months on one scale, exported as a WebM video that plays', async () => {
    const i = sceneIndex('figures');
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.leader, { width: 1280, height: 720 });
    await w.page.goto(`${suite.origin}/present/${deck.id}#${i + 1}`);
    await waitDrawn(w.page, i);
    await w.page.locator('[data-lapse]').click();
    await w.page.locator('.lapse[data-drawn="0"]').waitFor();
    const [download] = await Promise.all([w.page.waitForEvent('download', { timeout: 180_000 }), w.page.locator('[data-record]').click()]);
    expect(download.suggestedFilename()).toMatch(/逐月变化\.webm$/);
    expect(await w.page.locator('.lapse').getAttribute('data-month')).toBe('11');
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML: a Matroska/WebM file
    // Chromium decodes its first frame: the map and the month, not a blank (in a page of its own:
    // the app's content security policy allows no media from blob: addresses)
    const player = await w.page.context().newPage();
    await player.goto('about:blank');
    const frame = await player.evaluate(async (b64) => {
      const blob = await (await fetch(`data:video/webm;base64,${b64}`)).blob();
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(blob);
      await new Promise((resolve, reject) => {
        video.onloadeddata = resolve;
        video.onerror = () => reject(new Error(`video error ${video.error?.code}`));
      });
      // the first frame itself, decoded for drawing (a frame only loaded may draw as nothing headless)
      video.currentTime = 0;
      await new Promise((resolve) => {
        video.onseeked = resolve;
      });
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d');
      ctx?.drawImage(video, 0, 0);
      const data = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      const seen = new Set<number>();
      for (let k = 0; k < data.length; k += 4 * 97) seen.add(((data[k] >> 4) << 8) | ((data[k + 1] >> 4) << 4) | (data[k + 2] >> 4));
      return { width: video.videoWidth, height: video.videoHeight, colours: seen.size };
    }, bytes.toString('base64'));
    expect(frame.width).toBe(1280);
    expect(frame.height).toBe(720);
    expect(frame.colours).toBeGreaterThan(10);
    await w.page.context().close();
  });

  it('the handout prints one scene a landscape A4 page', async () => {
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.leader, { width: 1280, height: 900 });
    await w.page.goto(`${suite.origin}/present/${deck.id}/handout`);
    await w.page.locator('.handout[data-ready="true"]').waitFor({ timeout: 120_000 });
    await w.page.waitForFunction(() => [...document.images].every((img) => img.complete));
    const pdf = await w.page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(deck.scenes.length);
    await w.page.context().close();
  });
});

describe('editing a deck (admins)', () => {
  it('reorders, duplicates, deletes and edits scenes, keeps the preview’s camera, and saves a new version', async () => {
    const copy = await suite.ctx.app.inject({
      method: 'POST',
      url: '/api/decks',
      headers: { ...suite.ctx.as.admin, origin: ORIGIN },
      payload: { title: '编辑测试', scenes: deck.scenes.slice(0, 4) },
    });
    expect(copy.statusCode).toBe(201);
    const id = copy.json().id as number;
    const w = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.admin, { width: 1600, height: 900 });
    await w.page.goto(`${suite.origin}/present/${id}/edit`);
    const items = w.page.locator('[data-scene-item]');
    await items.first().waitFor();
    // the second scene (figures) down one, then duplicate the first, then delete the copy's neighbour
    await items.nth(1).getByRole('button', { name: '下移' }).click();
    await items.nth(0).getByRole('button', { name: '复制' }).click();
    await items.nth(3).getByRole('button', { name: '删除' }).click();
    // edit the selected scene (the copy of the cover): title and notes
    await items
      .nth(2)
      .getByRole('button', { name: /trend|近12个月/ })
      .click();
    await w.page.locator('.scene-form input[name=title]').fill('近一年趋势');
    await w.page.locator('.scene-form textarea[name=notes]').fill('讲趋势');
    await w.page.locator('.slide-map canvas').first().waitFor();
    await w.page.waitForTimeout(500);
    await w.page.locator('[data-use-view]').click();
    await w.page.locator('[data-save]').click();
    await w.page.locator('[role=status]', { hasText: '已保存（第 2 版）' }).waitFor();
    const saved = await api(`/api/decks/${id}`);
    expect(saved.version).toBe(2);
    expect(saved.scenes.map((s: SceneValue) => s.id.replace(/^s[0-9a-z]+$/, 'copy'))).toEqual(['cover', 'copy', 'trend', 'categories']);
    expect(saved.scenes[1].title).toBe(`${deck.scenes[0].title}（副本）`);
    expect(saved.scenes[2].title).toBe('近一年趋势');
    expect(saved.scenes[2].notes).toBe('讲趋势');
    expect(saved.scenes[2].camera?.zoom).toBeGreaterThan(10);
    await w.page.context().close();
  });
});
