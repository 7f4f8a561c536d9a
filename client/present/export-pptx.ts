import PptxGenJS from 'pptxgenjs';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { call } from '../api/client.ts';
import { download } from '../map/export-png.ts';
import { sceneLegend } from './legend.ts';
import { dataUrlOf, MapCamera } from './map-pictures.tsx';
import { againstWord, type Chart, kpiChange, kpiText, type SideData } from './scene-data.ts';
import { loadPresentTown, type PresentTown, type SceneData, sceneData } from './scene-load.ts';

/**
 * The deck as an editable PowerPoint file (opens in PowerPoint and WPS): one slide per scene, the map
 * drawn at 2× as a picture, charts as native charts holding the data, tables as native tables, text
 * as text boxes in Microsoft YaHei (WPS and PowerPoint substitute a CJK font where it is missing),
 * speaker notes as notes. Made in the browser: it needs no network but the town's own server.
 */

const FONT = 'Microsoft YaHei';
const W = 13.333;
const INK = '1F2937';
const ACCENT = '14325C';
const MUTED = '4B5563';
/** Inches to the CSS pixels of a map picture (96 per inch), drawn at 2×. */
const PX = 96;
/** Between the two maps of a comparison (inches). */
const GAP = 0.15;

type Deck = Awaited<ReturnType<typeof loadDeck>>;
const loadDeck = (id: number) => call('GET /api/decks/:id', { params: { id } });

/** Where things go on a 16:9 slide (inches). */
const BOX = {
  title: { x: 0.4, y: 0.25, w: W - 0.8, h: 0.75 },
  caption: { x: 0.4, y: 0.95, w: W - 0.8, h: 0.5 },
  map: { x: 0.4, y: 1.55, w: 7.9, h: 5.2 },
  legend: { x: 0.4, y: 6.8, w: 7.9, h: 0.45 },
  side: { x: 8.55, y: 1.55, w: 4.4, h: 5.6 },
  wide: { x: 0.4, y: 1.55, w: W - 0.8, h: 5.6 },
};

function addChart(pptx: PptxGenJS, slide: PptxGenJS.Slide, chart: Chart, box: { x: number; y: number; w: number; h: number }) {
  const percent = chart.format === 'percent';
  // Bars are drawn bottom-up: the rows go in reversed so the first stands at the top.
  const order = chart.kind === 'trend' ? (xs: unknown[]) => xs : (xs: unknown[]) => [...xs].reverse();
  const data = chart.series.map((s) => ({
    name: s.name,
    labels: order(chart.labels) as string[],
    values: (order(s.values) as (number | null)[]).map((v) => v ?? 0),
  }));
  const common = {
    ...box,
    showLegend: chart.series.length > 1,
    legendPos: 't' as const,
    legendFontFace: FONT,
    legendFontSize: 14,
    catAxisLabelFontFace: FONT,
    catAxisLabelFontSize: 14,
    valAxisLabelFontFace: FONT,
    valAxisLabelFontSize: 14,
    chartColors: percent || chart.format === 'score' ? ['1565C0'] : ['C62828', '2E7D32'],
    showTitle: true,
    title: chart.title,
    titleFontFace: FONT,
    titleFontSize: 18,
    titleColor: INK,
  };
  if (chart.kind === 'trend') {
    slide.addChart(pptx.ChartType.line, data, { ...common, lineSize: 3, lineDataSymbolSize: 8 });
    return;
  }
  slide.addChart(pptx.ChartType.bar, data, {
    ...common,
    barDir: 'bar',
    showValue: true,
    dataLabelFontFace: FONT,
    dataLabelFontSize: 12,
    dataLabelFormatCode: percent ? '0.0%' : chart.format === 'score' ? '0.0' : '0',
    valAxisLabelFormatCode: percent ? '0%' : '0',
    ...(percent ? { valAxisMaxVal: 1, valAxisMinVal: 0 } : {}),
  });
}

async function dataUrl(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`照片 ${url}：HTTP ${res.status}`);
  return dataUrlOf(await res.blob());
}

/** A photo as a data URL, fetched once per export. */
const photos = new Map<string, Promise<string>>();
function photo(url: string): Promise<string> {
  let p = photos.get(url);
  if (!p) {
    p = dataUrl(url);
    photos.set(url, p);
    p.catch(() => photos.delete(url));
  }
  return p;
}

async function addSide(pptx: PptxGenJS, slide: PptxGenJS.Slide, side: SideData, box: { x: number; y: number; w: number; h: number }, against: string) {
  const text = { fontFace: FONT, color: INK };
  switch (side.kind) {
    case 'none':
      return;
    case 'text':
      slide.addText(side.body, { ...box, ...text, fontSize: 24, valign: 'top', paraSpaceAfter: 6 });
      return;
    case 'kpis': {
      const h = Math.min(1.35, box.h / side.kpis.length);
      for (const [i, k] of side.kpis.entries()) {
        const change = kpiChange(k, against);
        slide.addShape(pptx.ShapeType.rect, { x: box.x, y: box.y + i * h, w: box.w, h: h - 0.12, fill: { color: 'F1F5F9' }, line: { color: 'F1F5F9' } });
        slide.addText(
          [
            { text: `${k.label}\n`, options: { fontSize: 18, color: MUTED } },
            { text: kpiText(k), options: { fontSize: 36, bold: true, color: ACCENT, breakLine: !!change } },
            ...(change
              ? [{ text: change.text, options: { fontSize: 16, color: change.tone === 'good' ? '2E7D32' : change.tone === 'bad' ? 'C62828' : MUTED } }]
              : []),
          ],
          { x: box.x + 0.1, y: box.y + i * h, w: box.w - 0.2, h: h - 0.12, fontFace: FONT, valign: 'middle' },
        );
      }
      return;
    }
    case 'chart':
      addChart(pptx, slide, side.chart, box);
      return;
    case 'table': {
      const t = side.table;
      slide.addText(t.title, { x: box.x, y: box.y, w: box.w, h: 0.45, ...text, fontSize: 18, bold: true });
      if (t.rows.length === 0) {
        slide.addText('没有逾期未改的问题', { x: box.x, y: box.y + 0.5, w: box.w, h: 0.5, ...text, fontSize: 18 });
        return;
      }
      const head = t.columns.map((c) => ({ text: c, options: { bold: true, color: MUTED, fill: { color: 'F1F5F9' } } }));
      const rows = t.rows.map((r) => r.map((v) => ({ text: String(v) })));
      slide.addTable([head, ...rows], {
        x: box.x,
        y: box.y + 0.5,
        w: box.w,
        fontFace: FONT,
        fontSize: 14,
        color: INK,
        border: { type: 'solid', pt: 0.5, color: 'CBD5E1' },
        autoPage: false,
      });
      return;
    }
    case 'case': {
      const c = side.case;
      const half = (box.w - 0.3) / 2;
      for (const [i, [photos, label]] of [
        [c.before, '整改前'],
        [c.after, '整改后'],
      ].entries() as IterableIterator<[number, [typeof c.before, string]]>) {
        const x = box.x + i * (half + 0.3);
        const p = photos[0];
        const h = box.h - 1.3;
        if (p) {
          const ratio = p.width / p.height;
          const fitW = Math.min(half, h * ratio);
          const fitH = fitW / ratio;
          slide.addImage({ data: await photo(p.url), x: x + (half - fitW) / 2, y: box.y, w: fitW, h: fitH });
        } else slide.addText('无照片', { x, y: box.y, w: half, h, ...text, fontSize: 18, align: 'center' });
        slide.addText(label, { x, y: box.y + h + 0.05, w: half, h: 0.45, ...text, fontSize: 20, bold: true, align: 'center' });
      }
      slide.addText(`${c.category} · ${c.description}\n发现 ${c.reportedAt.slice(0, 10)}${c.closedAt ? ` · 销号 ${c.closedAt.slice(0, 10)}` : ''}`, {
        x: box.x,
        y: box.y + box.h - 0.75,
        w: box.w,
        h: 0.75,
        ...text,
        fontSize: 16,
      });
      return;
    }
  }
}

/** The legend under the map, in words and swatches (the slide's own legend rule). */
function addLegend(pptx: PptxGenJS, slide: PptxGenJS.Slide, scene: SceneValue, data: SceneData) {
  const { x, y, w, h } = BOX.legend;
  const spec = sceneLegend(scene, data.scale);
  const title = spec.ramp ? `${spec.title}：浅色少，深红多` : spec.title;
  slide.addText(title, { x, y, w: spec.steps.length > 0 ? 3.2 : w, h, fontFace: FONT, fontSize: 12, color: MUTED });
  let at = x + 3.3;
  const step = Math.min(1.2, (w - 3.3) / Math.max(1, spec.steps.length));
  for (const s of spec.steps) {
    const color = s.color.slice(1);
    slide.addShape(pptx.ShapeType.rect, { x: at, y: y + 0.13, w: 0.2, h: 0.2, fill: { color }, line: { color } });
    slide.addText(s.label, { x: at + 0.22, y, w: step - 0.25, h, fontFace: FONT, fontSize: 11, color: INK });
    at += step;
  }
}

/** Builds the PPTX of a deck (its pictures drawn by `camera`). */
export async function deckPptx(deck: Deck, town: PresentTown, camera: MapCamera): Promise<Blob> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = deck.title;
  pptx.author = deck.author;
  pptx.company = town.meta.town.name;
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
  const theme = deck.theme === 'dark' ? 'dark' : 'light';
  // Every scene's data (and a case's photos) asked for at once; the pictures are drawn one by one meanwhile.
  const loads = deck.scenes.map((s) => sceneData(s, town));
  for (const l of loads)
    l.then((d) => d.side.kind === 'case' && [...d.side.case.before, ...d.side.case.after].forEach((p) => void photo(p.url).catch(() => undefined))).catch(
      () => undefined,
    );
  const datas = await Promise.all(loads);
  // The pictures, drawn grouped by what the map draws (heat, hexagons, grid colours): each kind of
  // layer is set up once, not again for every slide that follows another kind.
  const jobs = deck.scenes.flatMap((scene, i) => datas[i].maps.map((_, k) => ({ scene, i, k })));
  const kind = (j: (typeof jobs)[number]) => (datas[j.i].scale ? 'bins' : j.scene.map.mode);
  jobs.sort((a, b) => kind(a).localeCompare(kind(b)) || a.i - b.i || a.k - b.k);
  const pictures = new Map<string, Promise<string>>();
  // Scenes showing the same map (the same problems, drawn the same way, from the same view, at the
  // same size) share one picture.
  const drawn = new Map<string, Promise<string>>();
  for (const j of jobs) {
    const data = datas[j.i];
    const area = data.side.kind !== 'none' ? BOX.map : { ...BOX.map, w: W - 0.8 };
    const each = (area.w - GAP * (data.maps.length - 1)) / data.maps.length;
    const size = { width: Math.round(each * PX), height: Math.round(area.h * PX) };
    const same = JSON.stringify([j.scene.map, j.scene.filters, j.scene.compareWith, j.scene.camera, j.scene.outline, j.k, size]);
    let picture = drawn.get(same);
    if (!picture) {
      picture = (await camera.picture(town, theme, j.scene, data, j.k, size)).jpeg;
      drawn.set(same, picture);
    }
    pictures.set(`${j.i}/${j.k}`, picture);
  }
  for (const [i, scene] of deck.scenes.entries()) {
    const data = datas[i];
    const slide = pptx.addSlide();
    const cover = i === 0 && scene.map.mode === 'none';
    if (cover) {
      slide.background = { color: 'E8EEF7' };
      slide.addText(scene.title, { x: 0.6, y: 2.3, w: W - 1.2, h: 1.4, fontFace: FONT, fontSize: 40, bold: true, color: ACCENT, align: 'center' });
      if (scene.caption) slide.addText(scene.caption, { x: 0.6, y: 3.7, w: W - 1.2, h: 0.6, fontFace: FONT, fontSize: 22, color: MUTED, align: 'center' });
      if (data.side.kind === 'text')
        slide.addText(data.side.body, { x: 0.6, y: 4.4, w: W - 1.2, h: 1.2, fontFace: FONT, fontSize: 24, color: INK, align: 'center' });
    } else {
      slide.addText(scene.title, { ...BOX.title, fontFace: FONT, fontSize: 30, bold: true, color: ACCENT, valign: 'middle' });
      if (scene.caption) slide.addText(scene.caption, { ...BOX.caption, fontFace: FONT, fontSize: 18, color: MUTED, valign: 'top' });
      const hasSide = data.side.kind !== 'none';
      if (data.maps.length > 0) {
        const area = hasSide ? BOX.map : { ...BOX.map, w: W - 0.8 };
        const each = (area.w - GAP * (data.maps.length - 1)) / data.maps.length;
        for (const [k, m] of data.maps.entries()) {
          const x = area.x + k * (each + GAP);
          slide.addImage({ data: (await pictures.get(`${i}/${k}`)) ?? '', x, y: area.y, w: each, h: area.h, altText: `${scene.title} ${m.label}` });
          if (data.maps.length > 1)
            slide.addText(m.label, {
              x: x + 0.1,
              y: area.y + 0.1,
              w: 2.2,
              h: 0.45,
              fontFace: FONT,
              fontSize: 18,
              bold: true,
              color: 'FFFFFF',
              fill: { color: ACCENT },
            });
        }
        addLegend(pptx, slide, scene, data);
        await addSide(pptx, slide, data.side, BOX.side, againstWord(scene));
      } else await addSide(pptx, slide, data.side, BOX.wide, againstWord(scene));
    }
    slide.addText(`${town.meta.town.name}${town.meta.demo ? '（演示数据）' : ''}　${i + 1} / ${deck.scenes.length}`, {
      x: 0.4,
      y: 7.1,
      w: W - 0.8,
      h: 0.3,
      fontFace: FONT,
      fontSize: 10,
      color: MUTED,
      align: 'right',
    });
    if (scene.notes) slide.addNotes(scene.notes);
  }
  return (await pptx.write({ outputType: 'blob', compression: true })) as Blob;
}

/** Exports a deck by id as `<title>.pptx` through the browser's download. */
export async function exportDeck(id: number): Promise<void> {
  const [deck, town] = await Promise.all([loadDeck(id), loadPresentTown()]);
  const camera = new MapCamera();
  try {
    const blob = await deckPptx(deck, town, camera);
    download(blob, `${deck.title}.pptx`);
  } finally {
    camera.close();
  }
}
