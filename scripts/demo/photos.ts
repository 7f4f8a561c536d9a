import sharp from 'sharp';
import { categories } from '../../server/domain/catalogue.ts';
import { Random } from '../../server/domain/random.ts';

/**
 * Synthetic photos for the demo town (演示图片): a street sketch drawn as SVG and rendered by
 * sharp — buildings, pavement, road — with the category's problem drawn in for 整改前 and left out
 * for 整改后. Every image says 演示图片 on it, so no one takes it for a real case. A few variants
 * per category, shared by many problems: the files are named by content, so each is stored once.
 */

export const PHOTO_WIDTH = 640;
export const PHOTO_HEIGHT = 480;
/** Scenes drawn per category; problems pick one by id. */
export const VARIANTS = 2;

/** A whole number in [min, max]. */
const between = (rng: Random, min: number, max: number) => Math.floor(rng.range(min, max + 1));

const W = PHOTO_WIDTH;
const H = PHOTO_HEIGHT;
const PAVEMENT_Y = 300;

/** Buildings along the street: facades, windows, a shop front with its awning. */
function street(rng: Random): string {
  const parts: string[] = [];
  let x = -10;
  while (x < W) {
    const w = between(rng, 110, 180);
    const h = between(rng, 150, 250);
    const wall = rng.pick(['#e7dcc9', '#d6d9de', '#ecd9c0', '#cfd8cf', '#e2e2e2']);
    parts.push(`<rect x="${x}" y="${PAVEMENT_Y - h}" width="${w}" height="${h}" fill="${wall}" stroke="#9a9184" stroke-width="2"/>`);
    for (let wy = PAVEMENT_Y - h + 18; wy < PAVEMENT_Y - 80; wy += 42)
      for (let wx = x + 14; wx < x + w - 30; wx += 36) parts.push(`<rect x="${wx}" y="${wy}" width="22" height="26" fill="#8fb3cf" stroke="#6d7f8f"/>`);
    const awning = rng.pick(['#c0392b', '#2e86c1', '#27ae60', '#d68910']);
    parts.push(`<rect x="${x + 8}" y="${PAVEMENT_Y - 72}" width="${w - 16}" height="14" fill="${awning}"/>`);
    parts.push(`<rect x="${x + 16}" y="${PAVEMENT_Y - 58}" width="${w - 32}" height="58" fill="#5d6d7e" opacity="0.85"/>`);
    x += w + between(rng, 0, 8);
  }
  return parts.join('');
}

const bike = (x: number, y: number, tilt: number, colour: string) =>
  `<g transform="translate(${x} ${y}) rotate(${tilt})" stroke="${colour}" stroke-width="4" fill="none"><circle cx="-22" cy="0" r="16"/><circle cx="22" cy="0" r="16"/><path d="M-22 0 L-4 -22 L16 -22 L22 0 M-4 -22 L0 0 L-22 0 M16 -22 L14 -32"/></g>`;
const box = (x: number, y: number, s: number, colour: string) =>
  `<rect x="${x}" y="${y - s}" width="${s}" height="${s}" fill="${colour}" stroke="#6e5a3a" stroke-width="2"/>`;
const litter = (rng: Random, n: number) =>
  Array.from({ length: n }, () => {
    const x = between(rng, 20, W - 20);
    const y = between(rng, PAVEMENT_Y + 20, H - 30);
    return rng.next() < 0.5
      ? `<ellipse cx="${x}" cy="${y}" rx="${between(rng, 8, 16)}" ry="${between(rng, 5, 9)}" fill="${rng.pick(['#f4f6f7', '#e74c3c', '#f1c40f', '#85929e'])}"/>`
      : `<path d="M${x} ${y} l14 -6 l6 10 z" fill="${rng.pick(['#d5dbdb', '#3498db', '#e67e22'])}"/>`;
  }).join('');

/** The problem of a category, drawn into the street (整改前 only). */
function problem(code: string, rng: Random): string {
  switch (code) {
    case 'parking_nonmotor':
      return Array.from({ length: 7 }, (_, i) =>
        bike(
          60 + i * 80 + between(rng, -10, 10),
          PAVEMENT_Y + 70 + between(rng, -15, 40),
          between(rng, -35, 35),
          rng.pick(['#1f618d', '#b03a2e', '#117a65', '#7d3c98']),
        ),
      ).join('');
    case 'parking_motor':
      return [140, 400]
        .map(
          (x) =>
            `<g transform="translate(${x} ${PAVEMENT_Y + 60})"><rect x="-80" y="-30" width="160" height="50" rx="12" fill="${rng.pick(['#c0392b', '#2c3e50', '#ecf0f1'])}" stroke="#333" stroke-width="2"/><rect x="-50" y="-58" width="100" height="32" rx="8" fill="#aed6f1" stroke="#333"/><circle cx="-48" cy="22" r="14" fill="#222"/><circle cx="48" cy="22" r="14" fill="#222"/></g>`,
        )
        .join('');
    case 'shop_spillover':
    case 'frontage_duty':
      return Array.from({ length: 9 }, (_, i) =>
        box(40 + i * 62, PAVEMENT_Y + 60 + (i % 3) * 24, between(rng, 30, 46), rng.pick(['#d4ac0d', '#ca6f1e', '#a9cce3'])),
      ).join('');
    case 'street_vendor':
      return `<g transform="translate(320 ${PAVEMENT_Y + 90})"><rect x="-90" y="-40" width="180" height="60" fill="#a04000" stroke="#4d2600" stroke-width="3"/><path d="M-110 -70 Q0 -140 110 -70 Z" fill="#e74c3c"/><line x1="0" y1="-110" x2="0" y2="-40" stroke="#333" stroke-width="4"/><circle cx="-60" cy="30" r="14" fill="#222"/><circle cx="60" cy="30" r="14" fill="#222"/></g>${litter(rng, 8)}`;
    case 'piling':
      return `<g>${Array.from({ length: 12 }, (_, i) => box(180 + (i % 5) * 44 + between(rng, -6, 6), PAVEMENT_Y + 120 - Math.floor(i / 5) * 40, between(rng, 36, 48), rng.pick(['#935116', '#7e5109', '#a6acaf', '#5d6d7e']))).join('')}</g>`;
    case 'illegal_building':
      return `<g><rect x="360" y="${PAVEMENT_Y - 60}" width="220" height="150" fill="#85929e" stroke="#34495e" stroke-width="3"/><path d="M350 ${PAVEMENT_Y - 60} L590 ${PAVEMENT_Y - 60} L570 ${PAVEMENT_Y - 95} L370 ${PAVEMENT_Y - 95} Z" fill="#2e86c1"/>${Array.from({ length: 10 }, (_, i) => `<line x1="${372 + i * 22}" y1="${PAVEMENT_Y - 60}" x2="${372 + i * 22}" y2="${PAVEMENT_Y + 90}" stroke="#5d6d7e"/>`).join('')}</g>`;
    case 'graffiti':
      return Array.from(
        { length: 6 },
        () =>
          `<path d="M${between(rng, 20, W - 120)} ${between(rng, 120, PAVEMENT_Y - 20)} q30 -40 60 0 t60 0 t40 -20" stroke="${rng.pick(['#e74c3c', '#8e44ad', '#111', '#16a085'])}" stroke-width="6" fill="none"/>`,
      ).join('');
    case 'flyers':
      return `<rect x="300" y="${PAVEMENT_Y - 150}" width="14" height="260" fill="#7f8c8d"/>${Array.from({ length: 16 }, () => `<rect x="${between(rng, 20, W - 50)}" y="${between(rng, 80, PAVEMENT_Y + 20)}" width="${between(rng, 18, 30)}" height="${between(rng, 24, 36)}" fill="${rng.pick(['#fdfefe', '#f9e79f', '#fadbd8'])}" stroke="#999" transform="rotate(${between(rng, -12, 12)})"/>`).join('')}`;
    case 'publicity_missing':
      return `<g><rect x="200" y="${PAVEMENT_Y - 20}" width="240" height="110" fill="none" stroke="#566573" stroke-width="8"/><path d="M210 ${PAVEMENT_Y - 10} L300 ${PAVEMENT_Y + 80} L330 ${PAVEMENT_Y + 10} L430 ${PAVEMENT_Y + 75}" stroke="#bdc3c7" stroke-width="10" fill="none"/></g>`;
    case 'facility_damage':
      return `<g stroke="#6e2c00" stroke-width="8"><line x1="80" y1="${PAVEMENT_Y + 80}" x2="260" y2="${PAVEMENT_Y + 50}"/><line x1="300" y1="${PAVEMENT_Y + 70}" x2="420" y2="${PAVEMENT_Y + 110}"/><line x1="450" y1="${PAVEMENT_Y + 60}" x2="470" y2="${PAVEMENT_Y + 120}"/></g>`;
    case 'greenbelt_damage':
      return `<ellipse cx="320" cy="${PAVEMENT_Y + 100}" rx="240" ry="45" fill="#a0522d"/>${litter(rng, 4)}`;
    case 'flying_wires':
      return Array.from(
        { length: 5 },
        (_, i) => `<path d="M0 ${110 + i * 22} Q320 ${220 + i * 30} ${W} ${120 + i * 18}" stroke="#111" stroke-width="3" fill="none"/>`,
      ).join('');
    case 'drying_clothes':
      return `<line x1="60" y1="${PAVEMENT_Y - 20}" x2="580" y2="${PAVEMENT_Y - 40}" stroke="#333" stroke-width="3"/>${Array.from({ length: 8 }, (_, i) => `<rect x="${80 + i * 62}" y="${PAVEMENT_Y - 30 - i * 2}" width="40" height="${between(rng, 45, 70)}" fill="${rng.pick(['#e74c3c', '#3498db', '#f4d03f', '#58d68d', '#fdfefe'])}"/>`).join('')}`;
    default:
      return `${litter(rng, 26)}<path d="M420 ${PAVEMENT_Y + 130} l40 -60 l50 20 l10 50 z" fill="#212f3d"/>`;
  }
}

/** What a rectified street shows instead: a new greenbelt, an intact board; otherwise the clean street. */
function rectified(code: string): string {
  if (code === 'greenbelt_damage') return `<ellipse cx="320" cy="${PAVEMENT_Y + 100}" rx="240" ry="45" fill="#52be80"/>`;
  if (code === 'publicity_missing') return `<rect x="200" y="${PAVEMENT_Y - 20}" width="240" height="110" fill="#c0392b" stroke="#566573" stroke-width="8"/>`;
  return '';
}

const xmlText = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);

/** The SVG of one demo photo. */
export function demoPhotoSvg(categoryCode: string, kind: 'before' | 'after', variant: number): string {
  const name = categories.find((c) => c.code === categoryCode)?.name ?? categoryCode;
  // The same street before and after: the scene's random draws depend on the category and variant only.
  const seed = [...categoryCode].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 17 + variant * 7919);
  const scene = street(new Random(seed));
  const shown = kind === 'before' ? problem(categoryCode, new Random(seed ^ 0x5bd1e995)) : rectified(categoryCode);
  const label = `${name} · ${kind === 'before' ? '整改前' : '整改后'}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#a9cce3"/><stop offset="1" stop-color="#eaf2f8"/></linearGradient></defs>
<rect width="${W}" height="${H}" fill="url(#sky)"/>${scene}
<rect y="${PAVEMENT_Y}" width="${W}" height="${H - PAVEMENT_Y}" fill="#d7d2c5"/>
<rect y="${H - 60}" width="${W}" height="60" fill="#808b96"/><rect y="${H - 33}" width="${W}" height="5" fill="#f7f9f9" stroke-dasharray="30 20"/>
${shown}
<rect x="12" y="12" width="132" height="40" rx="6" fill="#c0392b"/><text x="78" y="40" font-size="24" font-weight="700" fill="#fff" text-anchor="middle" font-family="Noto Sans CJK SC, sans-serif">演示图片</text>
<rect x="0" y="${H - 44}" width="${W}" height="44" fill="rgba(0,0,0,0.55)"/><text x="16" y="${H - 14}" font-size="22" fill="#fff" font-family="Noto Sans CJK SC, sans-serif">${xmlText(label)}</text>
</svg>`;
}

/** One demo photo as a JPEG, as a phone would send it. */
export async function drawDemoPhoto(categoryCode: string, kind: 'before' | 'after', variant: number): Promise<Buffer> {
  return sharp(Buffer.from(demoPhotoSvg(categoryCode, kind, variant)))
    .jpeg({ quality: 72 })
    .toBuffer();
}
