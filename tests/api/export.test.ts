import ExcelJS from 'exceljs';
import gcoord from 'gcoord';
import type { FeatureCollection } from 'geojson';
import JSZip from 'jszip';
import sharp from 'sharp';
import shp from 'shpjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import { LEDGER_COLUMNS } from '../../server/exchange/ledger.ts';
import { DEMO_NOW, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
/** A problem whose texts a spreadsheet would take for formulas, and one with XML's special characters. */
let hostile: number;
const HOSTILE = { description: '=HYPERLINK("http://evil.example","点我")', address: '+1 号楼 <东门> & "南门"' };

const get = (url: string, who: keyof typeof ctx.as = 'admin') => ctx.app.inject({ url, headers: ctx.as[who] });
/** The API's own list of problems for a query (every page). */
async function listed(query: string, who: keyof typeof ctx.as = 'admin') {
  const res = await get(`/api/problems?limit=10000${query ? `&${query}` : ''}`, who);
  expect(res.statusCode).toBe(200);
  return res.json().features as { id: number; geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[];
}

/** A CSV file read as RFC 4180 says (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted || (c !== ',' && c !== '\r')) cell += c;
    else if (c === ',') endCell();
    else if (text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

beforeAll(async () => {
  ctx = await demoApp(1500);
  // where a demo problem is: inside the town
  const [lon, lat] = [ctx.app.problemTable.lon[0], ctx.app.problemTable.lat[0]];
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/problems',
    headers: { ...ctx.as.admin, origin: ORIGIN },
    payload: { lon, lat, category: 'flyers', source: 'inspection', ...HOSTILE },
  });
  expect(res.statusCode).toBe(201);
  hostile = res.json().problem.id;
});
afterAll(async () => ctx?.close());

describe('exporting the 台账', () => {
  it('.xlsx: a title, the filters, a frozen header, widths, real dates, overdue rows in red, every problem the API lists', async () => {
    const res = await get('/api/export/problems?format=xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('盐东镇问题台账_')}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('问题台账');
    expect(sheet).toBeDefined();
    if (!sheet) return;
    expect(sheet.getCell('A1').value).toBe('盐东镇创文问题台账');
    expect(sheet.getCell('A1').isMerged).toBe(true);
    const all = await listed('');
    expect(String(sheet.getCell('A2').value)).toContain(`筛选：全部问题；共 ${all.length} 条；举报人信息已脱敏`);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(sheet.getRow(3).values).toEqual([undefined, ...LEDGER_COLUMNS.map((c) => c.header)]);
    expect(sheet.getColumn(3).width).toBe(36);
    const col = (h: string) => LEDGER_COLUMNS.findIndex((c) => c.header === h) + 1;
    const rows = new Map<number, ExcelJS.Row>();
    sheet.eachRow((row, n) => {
      if (n > 3) rows.set(Number(row.getCell(1).value), row);
    });
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual(all.map((f) => f.id));
    let overdue = 0;
    for (const f of all) {
      const row = rows.get(f.id);
      if (!row) throw new Error(`row of ${f.id}`);
      // a real date, Shanghai's wall clock, shown as a date
      const reported = row.getCell(col('发现时间'));
      expect(reported.value).toBeInstanceOf(Date);
      expect((reported.value as Date).toISOString().slice(0, 16)).toBe(String(f.properties.reportedAt).slice(0, 16));
      expect(reported.numFmt).toBe('yyyy-mm-dd hh:mm');
      expect(row.getCell(col('经度')).value).toBe(f.geometry.coordinates[0]);
      expect(row.getCell(col('纬度')).value).toBe(f.geometry.coordinates[1]);
      expect(row.getCell(col('是否逾期')).value).toBe(f.properties.overdue ? '是' : '否');
      if (f.properties.overdue) {
        overdue++;
        expect(row.getCell(col('问题描述')).font?.color?.argb).toBe('FFC62828');
      } else expect(row.getCell(col('问题描述')).font?.color?.argb).toBeUndefined();
    }
    expect(overdue).toBeGreaterThan(0);
    // a formula-looking text stays text: no formula in the sheet's XML
    expect(rows.get(hostile)?.getCell(col('问题描述')).value).toBe(HOSTILE.description);
    const xml = await (await JSZip.loadAsync(res.rawPayload)).file('xl/worksheets/sheet1.xml')?.async('string');
    expect(xml).toBeDefined();
    expect(xml).not.toContain('<f>');
  });

  it('.csv: UTF-8 with a BOM, dates as a clerk types them, formula-looking cells neutralised, quotes kept', async () => {
    const res = await get('/api/export/problems?format=csv&category=flyers');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // a BOM-aware reader (TextDecoder drops it) gets the Chinese back
    const rows = parseCsv(new TextDecoder('utf-8').decode(bytes));
    expect(rows[0]).toEqual(LEDGER_COLUMNS.map((c) => c.header));
    const flyers = await listed('category=flyers');
    expect(rows.length - 1).toBe(flyers.length);
    const col = (h: string) => rows[0].indexOf(h);
    const mine = rows.find((r) => r[0] === String(hostile));
    expect(mine?.[col('问题描述')]).toBe(`'${HOSTILE.description}`);
    expect(mine?.[col('具体位置')]).toBe(`'${HOSTILE.address}`);
    expect(mine?.[col('问题类型')]).toBe('小广告 / 牛皮癣');
    const first = flyers[0];
    const line = rows.find((r) => r[0] === String(first.id));
    expect(line?.[col('发现时间')]).toBe(String(first.properties.reportedAt).slice(0, 16).replace('T', ' '));
    // nothing else begins with a formula character
    for (const r of rows.slice(1)) for (const cell of r) expect(cell, cell).not.toMatch(/^[=+@\t\r]/);
  });

  it('GeoJSON: the same problems at the same positions; KML in GCJ-02 for 奥维, its text escaped', async () => {
    const overdue = await listed('overdue=true');
    const geo = await get('/api/export/problems?format=geojson&overdue=true');
    expect(geo.statusCode).toBe(200);
    const fc = geo.json();
    expect(fc.features.map((f: { id: number }) => f.id)).toEqual(overdue.map((f) => f.id));
    expect(fc.features[0].geometry.coordinates).toEqual(overdue[0].geometry.coordinates.map((x) => Math.round(x * 1e7) / 1e7));
    expect(fc.features[0].properties.overdue).toBe(true);

    const kml = await get('/api/export/problems?format=kml&crs=gcj02&category=flyers');
    expect(kml.statusCode).toBe(200);
    const text = kml.body;
    const mark = new RegExp(`<Placemark id="p${hostile}">.*?</Placemark>`).exec(text)?.[0] ?? '';
    expect(mark).toContain('+1 号楼 &lt;东门&gt; &amp; &quot;南门&quot;');
    const [lon, lat] = /<coordinates>([^<]+)<\/coordinates>/.exec(mark)?.[1].split(',').map(Number) ?? [0, 0];
    const truth = (await listed('category=flyers')).find((f) => f.id === hostile)?.geometry.coordinates ?? [0, 0];
    const [gLon, gLat] = gcoord.transform(truth, gcoord.WGS84, gcoord.GCJ02);
    expect(Math.abs(lon - gLon)).toBeLessThan(1e-6);
    expect(Math.abs(lat - gLat)).toBeLessThan(1e-6);
    // the shift is real: hundreds of metres from WGS84 here
    expect(Math.abs(lon - truth[0]) * 93_000).toBeGreaterThan(100);
  });

  it('a point shapefile .zip in WGS84 with a .cpg: GIS tools read the same problems, Chinese names and all', async () => {
    const res = await get('/api/export/problems?format=shp&category=flyers');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(res.rawPayload);
    expect(Object.keys(zip.files).sort()).toEqual(['problems.cpg', 'problems.dbf', 'problems.prj', 'problems.shp', 'problems.shx']);
    expect(await zip.file('problems.cpg')?.async('string')).toBe('UTF-8');
    expect(await zip.file('problems.prj')?.async('string')).toContain('WGS_1984');
    const fc = (await shp(res.rawPayload)) as FeatureCollection;
    const flyers = await listed('category=flyers');
    expect(fc.features.map((f) => f.properties?.编号)).toEqual(flyers.map((f) => f.id));
    const mine = fc.features.find((f) => f.properties?.编号 === hostile);
    expect(mine?.properties).toMatchObject({ 类型: '小广告 / 牛皮癣', 描述: HOSTILE.description, 位置: HOSTILE.address, 状态: expect.any(String) });
    fc.features.forEach((f, i) => {
      const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
      expect(Math.abs(lon - flyers[i].geometry.coordinates[0])).toBeLessThan(1e-9);
      expect(Math.abs(lat - flyers[i].geometry.coordinates[1])).toBeLessThan(1e-9);
    });
    expect(new Date(fc.features[0].properties?.发现).toISOString().slice(0, 10)).toBe(String(flyers[0].properties.reportedAt).slice(0, 10));
  });

  it('what the caller may see: a unit its own problems; reporters masked, unmasked only for an admin, audited', async () => {
    const unitId = ctx.users.unit.unitId;
    const res = await get('/api/export/problems?format=geojson', 'unit');
    expect(res.statusCode).toBe(200);
    const ids = res.json().features.map((f: { id: number }) => f.id);
    expect(ids).toEqual((await listed(`unit=${unitId}`)).map((f) => f.id));
    expect(ids.length).toBeGreaterThan(0);
    expect((await get('/api/export/problems?format=csv&unit=dept-enforcement', 'unit')).statusCode).toBe(403);
    expect((await get('/api/export/problems?format=csv', 'display')).statusCode).toBe(403);

    const reporters = await ctx.app.store.reporters();
    const [id, who] = [...reporters][0];
    const masked = parseCsv((await get('/api/export/problems?format=csv')).body.replace(/^\uFEFF/, ''));
    const row = masked.find((r) => r[0] === String(id));
    expect(row?.[masked[0].indexOf('举报人')]).toMatch(/^.\*+$/);
    expect(row?.[masked[0].indexOf('举报人电话')]).toContain('****');
    const refused = await get('/api/export/problems?format=csv&reveal=true', 'leader');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().field).toBe('reveal');
    const revealed = parseCsv((await get('/api/export/problems?format=csv&reveal=true')).body.replace(/^\uFEFF/, ''));
    const plain = revealed.find((r) => r[0] === String(id));
    expect(plain?.[revealed[0].indexOf('举报人')]).toBe(who.name);
    expect(plain?.[revealed[0].indexOf('举报人电话')]).toBe(who.phone);
    const audit = await get('/api/audit?action=reveal');
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json())).toContain('"format":"csv"');
  });

  it('.xlsx with photos: the row’s first 整改前 and 整改后 photo as thumbnails in their own columns', async () => {
    const BOUNDARY = 'photo-boundary';
    const upload = async (kind: 'before' | 'after', colour: string) => {
      const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: colour } })
        .png()
        .toBuffer();
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/problems/${hostile}/photos`,
        headers: { ...ctx.as.admin, origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: Buffer.concat([
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`),
          png,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]),
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    await upload('before', '#d32f2f');
    await upload('after', '#2e7d32');
    const res = await get('/api/export/problems?format=xlsx&photos=true&category=flyers');
    expect(res.statusCode, res.body).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0];
    const header = sheet.getRow(3).values as unknown[];
    expect(header.slice(-2)).toEqual(['整改前照片', '整改后照片']);
    const line = (sheet.getColumn(1).values as unknown[]).indexOf(hostile);
    expect(line).toBeGreaterThan(3);
    const images = sheet.getImages().filter((i) => Math.floor(i.range.tl.nativeRow) === line - 1);
    expect(images.map((i) => Math.floor(i.range.tl.nativeCol)).sort()).toEqual([LEDGER_COLUMNS.length, LEDGER_COLUMNS.length + 1]);
    const colourOf = async (col: number) => {
      const image = images.find((i) => Math.floor(i.range.tl.nativeCol) === col);
      const media = book.getImage(Number(image?.imageId));
      expect(media.extension).toBe('jpeg');
      const { channels } = await sharp(media.buffer as unknown as Buffer).stats();
      return channels.slice(0, 3).map((c) => Math.round(c.mean));
    };
    const [r1, g1] = await colourOf(LEDGER_COLUMNS.length);
    expect(r1).toBeGreaterThan(150);
    expect(g1).toBeLessThan(90);
    const [r2, g2] = await colourOf(LEDGER_COLUMNS.length + 1);
    expect(g2).toBeGreaterThan(r2 + 40);
    // only problems with photos carry images
    expect(sheet.getImages()).toHaveLength(2);
    // photos belong to the .xlsx 台账
    const csv = await get('/api/export/problems?format=csv&photos=true');
    expect(csv.statusCode).toBe(400);
    expect(csv.json().field).toBe('photos');
  });

  it('bad input: an unknown format or datum, or a bad filter, is refused naming the field', async () => {
    for (const [query, field] of [
      ['format=xls', 'format'],
      ['', 'format'],
      ['format=kml&crs=bd09', 'crs'],
      ['format=csv&category=nope', 'category'],
      ['format=csv&from=2026-13-01', 'from'],
    ]) {
      const res = await get(`/api/export/problems?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
    expect(toShanghaiIso(DEMO_NOW)).toContain('+08:00');
  });
});
