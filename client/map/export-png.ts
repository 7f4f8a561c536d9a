import type * as maplibregl from 'maplibre-gl';
import { deckSurface } from './deck-surface.ts';
import { type LegendInput, legendGroups, OVERDUE_OUTLINE_CSS } from './legend-groups.ts';

/** What the exported image says besides the map: the legend's input and the texts around the map. */
export interface ExportText extends LegendInput {
  title: string;
  filters: string;
  /** e.g. 2026-11-27 15:00 */
  timestamp: string;
  demo: boolean;
}

const FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
const HEADER = 64;
const FOOTER = 30;

/** Waits until MapLibre (and deck.gl, drawn in its canvas) has painted a complete frame. */
function idle(map: maplibregl.Map): Promise<void> {
  return new Promise((resolve) => {
    map.once('idle', () => resolve());
    map.triggerRepaint();
  });
}

/**
 * The current view as one PNG: title, filters, the map with its deck.gl layers (one canvas, drawn
 * interleaved), the legend and the time, at `scale` × the screen's CSS pixels (1 or 2).
 */
export async function exportPng(map: maplibregl.Map, overlay: unknown, scale: 1 | 2, t: ExportText): Promise<Blob> {
  const before = map.getPixelRatio();
  const surface = deckSurface(overlay);
  const resize = (ratio: number) => {
    map.setPixelRatio(ratio);
    const c = map.getCanvas();
    surface?.setDrawingBufferSize(c.width, c.height);
  };
  if (before !== scale) resize(scale);
  try {
    await idle(map);
    const source = map.getCanvas();
    const w = source.clientWidth;
    const h = source.clientHeight;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round((h + HEADER + FOOTER) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.scale(scale, scale);
    ctx.fillStyle = '#14325c';
    ctx.fillRect(0, 0, w, HEADER);
    ctx.fillStyle = '#ffffff';
    ctx.font = `600 20px ${FONT}`;
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(t.title, 16, 28);
    ctx.font = `13px ${FONT}`;
    ctx.fillStyle = '#dbe6f5';
    ctx.fillText(`筛选：${t.filters}`, 16, 52);
    ctx.drawImage(source, 0, HEADER, w, h);
    // legend, bottom left of the map
    const groups = legendGroups(t);
    const rowH = 18;
    const height = groups.reduce((a, g) => a + 22 + (g.ramp ? 28 : g.rows.length * rowH), 8);
    const lx = 12;
    const ly = HEADER + h - height - 12;
    ctx.fillStyle = 'rgba(255,255,255,0.94)';
    ctx.fillRect(lx, ly, 170, height);
    let y = ly + 8;
    for (const g of groups) {
      ctx.fillStyle = '#111827';
      ctx.font = `600 13px ${FONT}`;
      ctx.fillText(g.title, lx + 10, y + 14);
      y += 22;
      if (g.ramp) {
        const grad = ctx.createLinearGradient(lx + 10, 0, lx + 160, 0);
        g.ramp.forEach((c, i) => {
          grad.addColorStop(i / ((g.ramp?.length ?? 2) - 1), c);
        });
        ctx.fillStyle = grad;
        ctx.fillRect(lx + 10, y, 150, 10);
        ctx.fillStyle = '#4b5563';
        ctx.font = `12px ${FONT}`;
        ctx.fillText('少', lx + 10, y + 24);
        ctx.fillText('多', lx + 148, y + 24);
        y += 28;
      }
      for (const r of g.rows) {
        ctx.fillStyle = r.color;
        if (r.shape === 'swatch') ctx.fillRect(lx + 10, y + 3, 18, 12);
        else {
          ctx.beginPath();
          ctx.arc(lx + 19, y + 9, 5, 0, Math.PI * 2);
          ctx.fill();
          if (r.shape === 'overdue') {
            ctx.strokeStyle = OVERDUE_OUTLINE_CSS;
            ctx.lineWidth = 2;
            ctx.stroke();
          }
        }
        ctx.fillStyle = '#111827';
        ctx.font = `12px ${FONT}`;
        ctx.fillText(r.label, lx + 36, y + 14);
        y += rowH;
      }
    }
    ctx.fillStyle = '#f3f6fa';
    ctx.fillRect(0, HEADER + h, w, FOOTER);
    ctx.fillStyle = '#4b5563';
    ctx.font = `12px ${FONT}`;
    ctx.fillText(`导出时间：${t.timestamp}${t.demo ? '　（演示数据）' : ''}　创文一张图`, 16, HEADER + h + 20);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    if (before !== scale) {
      resize(before);
      map.triggerRepaint();
    }
  }
}

/** Saves a blob under a file name through the browser's download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
