import gcoord from 'gcoord';
import { toShanghaiIso } from '../domain/calendar.ts';
import type { LedgerRow } from './ledger.ts';

/** The datum a map file's coordinates are in: WGS84 (GPS, 天地图) or GCJ-02 (高德, 微信, 奥维's default). */
export type ExportCrs = 'wgs84' | 'gcj02';

/** A position in the datum asked for, to 7 decimals (about 1 cm). */
function position(r: LedgerRow, crs: ExportCrs): [number, number] {
  const [lon, lat] = crs === 'gcj02' ? gcoord.transform([r.lon, r.lat], gcoord.WGS84, gcoord.GCJ02) : [r.lon, r.lat];
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

const iso = (ms: number | null) => (ms === null ? null : toShanghaiIso(ms));

/** The 台账 as a GeoJSON FeatureCollection (RFC 7946: WGS84 always), a feature per line. */
export function* ledgerGeoJson(rows: Iterable<LedgerRow>): Generator<string> {
  yield '{"type":"FeatureCollection","features":[\n';
  let first = true;
  for (const r of rows) {
    const { lon: _lon, lat: _lat, reportedAt, deadline, closedAt, ...rest } = r;
    const feature = {
      type: 'Feature',
      id: r.id,
      geometry: { type: 'Point', coordinates: position(r, 'wgs84') },
      properties: { ...rest, reportedAt: iso(reportedAt), deadline: iso(deadline), closedAt: iso(closedAt) },
    };
    yield `${first ? '' : ',\n'}${JSON.stringify(feature)}`;
    first = false;
  }
  yield '\n]}\n';
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text safe inside XML; characters XML 1.0 forbids (most control characters) are dropped. */
export function xmlText(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML cannot hold
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/**
 * The 台账 as KML placemarks (one folder per category), in WGS84 or — for 奥维互动地图 and other
 * Chinese map apps, which read KML as GCJ-02 — shifted to GCJ-02.
 */
export function* ledgerKml(rows: Iterable<LedgerRow>, name: string, crs: ExportCrs): Generator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>${xmlText(name)}</name>\n`;
  yield `<description>${crs === 'gcj02' ? '坐标：GCJ-02（火星坐标，适用于奥维互动地图、高德）' : '坐标：WGS84'}</description>\n`;
  const byCategory = new Map<string, LedgerRow[]>();
  for (const r of rows) {
    const list = byCategory.get(r.category);
    if (list) list.push(r);
    else byCategory.set(r.category, [r]);
  }
  for (const [category, list] of byCategory) {
    yield `<Folder><name>${xmlText(category)}</name>\n`;
    for (const r of list) {
      const [lon, lat] = position(r, crs);
      const data: [string, string][] = [
        ['问题编号', String(r.id)],
        ['问题类型', r.category],
        ['整改情况', r.status],
        ['是否逾期', r.overdue ? '是' : '否'],
        ['具体位置', r.address],
        ['所属网格', r.grid],
        ['责任单位', r.unit],
        ['发现时间', toShanghaiIso(r.reportedAt)],
      ];
      yield `<Placemark id="p${r.id}"><name>${xmlText(`${r.id} ${r.category}`)}</name><description>${xmlText(r.description)}</description><ExtendedData>${data
        .map(([k, v]) => `<Data name="${xmlText(k)}"><value>${xmlText(v)}</value></Data>`)
        .join('')}</ExtendedData><Point><coordinates>${lon},${lat}</coordinates></Point></Placemark>\n`;
    }
    yield '</Folder>\n';
  }
  yield '</Document></kml>\n';
}
