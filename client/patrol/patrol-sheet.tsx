import type * as maplibregl from 'maplibre-gl';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { km } from './distance-text.ts';

type Plan = Answer<'POST /api/patrols/plan'>;
type Stop = Plan['stops'][number];

/** Where a stop's QR code leads: a problem's card (我的待办 opens it), or the key site's grid panel on the map. */
export function stopCardUrl(origin: string, s: Stop): string {
  return s.problemId !== null ? `${origin}/tasks?problem=${s.problemId}` : `${origin}/map?grid=${encodeURIComponent(s.gridId)}`;
}

export interface PatrolSheetProps {
  plan: Plan;
  /** Who walks it, the grids, the day (YYYY-MM-DD). */
  name: string;
  grids: string;
  date: string;
  /** The map as drawn when printing was asked for (a PNG data URL), or null. */
  mapImage: string | null;
}

/** A deadline as a person reads it: 12-15 this year, 2025-12-15 another year. */
export const deadlineText = (iso: string, today: string) => (iso.slice(0, 4) === today.slice(0, 4) ? iso.slice(5, 10) : iso.slice(0, 10));

/**
 * 巡查单: the plan on one A4 page (up to 15 stops) for a grid manager who prefers paper: who, which
 * grids, the day, the map with the route, and each stop with boxes to tick (已整改 / 未整改 / 新发现)
 * and a QR code that opens its card. Shown only when printing (@media print).
 */
export function PatrolSheet({ plan, name, grids, date, mapImage }: PatrolSheetProps) {
  const [codes, setCodes] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    Promise.all(plan.stops.map((s) => QRCode.toDataURL(stopCardUrl(window.location.origin, s), { margin: 1, width: 200, errorCorrectionLevel: 'M' })))
      .then((urls) => current && setCodes(urls))
      .catch(() => current && setCodes([]));
    return () => {
      current = false;
    };
  }, [plan]);
  return (
    <section className="patrol-sheet" aria-label="巡查单" data-ready={codes.length === plan.stops.length}>
      <header>
        <h1>网格巡查单</h1>
        <p>
          网格员：{name} · 日期：{date} · 网格：{grids}
        </p>
        <p>
          共 {plan.stops.length} 站 · {km(plan.totals.meters)} · {plan.mode === 'ebike' ? '电动车' : '步行'}约 {plan.totals.minutes} 分钟（含现场{' '}
          {plan.totals.dwellMinutes} 分钟）
        </p>
      </header>
      {mapImage && <img className="patrol-sheet-map" src={mapImage} alt="巡查路线图" />}
      <table>
        <thead>
          <tr>
            <th>站</th>
            <th>类型</th>
            <th>问题 / 地址</th>
            <th>期限</th>
            <th>结果</th>
            <th>扫码</th>
          </tr>
        </thead>
        <tbody>
          {plan.stops.map((s, i) => (
            <tr key={s.problemId ?? s.siteId}>
              <td>{i + 1}</td>
              <td>{s.kindName}</td>
              <td>
                <strong>
                  {s.name}
                  {s.problemId !== null && ` #${s.problemId}`}
                </strong>
                <br />
                {s.address}
              </td>
              <td>{s.deadline ? deadlineText(s.deadline, date) : '—'}</td>
              <td className="ticks">☐ 已整改　☐ 未整改　☐ 新发现</td>
              <td>{codes[i] && <img className="patrol-qr" src={codes[i]} alt={`第 ${i + 1} 站二维码`} data-qr={stopCardUrl(window.location.origin, s)} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The map as drawn, with the start and the numbered stops painted on (the markers are HTML, not in the canvas). */
export function mapPicture(map: maplibregl.Map, plan: Plan): string {
  const source = map.getCanvas();
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const g = canvas.getContext('2d');
  if (!g) return source.toDataURL('image/png');
  g.drawImage(source, 0, 0);
  const ratio = source.width / source.clientWidth;
  const disc = (lonLat: [number, number], label: string, colour: string) => {
    const p = map.project(lonLat);
    g.beginPath();
    g.arc(p.x * ratio, p.y * ratio, 11 * ratio, 0, 2 * Math.PI);
    g.fillStyle = colour;
    g.fill();
    g.lineWidth = 2 * ratio;
    g.strokeStyle = '#fff';
    g.stroke();
    g.fillStyle = '#fff';
    g.font = `bold ${12 * ratio}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(label, p.x * ratio, p.y * ratio);
  };
  disc(plan.start, '起', '#15803d');
  for (const [i, s] of plan.stops.entries()) disc([s.lon, s.lat], String(i + 1), '#14325c');
  return canvas.toDataURL('image/png');
}
