import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

/** The demo town, and an empty one (the same town, no problems) to import into. */
let full: Awaited<ReturnType<typeof demoApp>>;
let empty: Awaited<ReturnType<typeof demoApp>>;
/** The full town's 台账, exported. */
let ledger: Buffer;

const BOUNDARY = 'import-test-boundary';
function form(file: Buffer | null, name = '台账.xlsx', choices?: unknown): Buffer {
  const parts: Buffer[] = [];
  if (choices !== undefined)
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="choices"\r\n\r\n${typeof choices === 'string' ? choices : JSON.stringify(choices)}\r\n`,
      ),
    );
  if (file) {
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    );
    parts.push(file, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}
const post = (app: typeof full, url: string, body: Buffer, who: keyof typeof full.as = 'admin') =>
  app.app.inject({
    method: 'POST',
    url,
    headers: { ...app.as[who], origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: body,
  });

beforeAll(async () => {
  [full, empty] = await Promise.all([demoApp(600), demoApp(0)]);
  const res = await full.app.inject({ url: '/api/export/problems?format=xlsx', headers: full.as.admin });
  expect(res.statusCode).toBe(200);
  ledger = res.rawPayload;
});
afterAll(async () => {
  await full?.close();
  await empty?.close();
});

describe('the import wizard’s dry run', () => {
  it('the town’s own exported 台账, read into an empty town: every row accepted as the same problem', async () => {
    expect(empty.app.problemTable.size).toBe(0);
    const res = await post(empty, '/api/imports/dry-run', form(ledger));
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    expect(run.file.encoding).toBe('xlsx');
    expect(run.header).toMatchObject({ line: 3 });
    expect(run.header.columns.map((c: { field: string }) => c.field)).toEqual(
      expect.arrayContaining([
        'category',
        'description',
        'address',
        'community',
        'unit',
        'measure',
        'reportedAt',
        'deadline',
        'status',
        'closedAt',
        'source',
        'lon',
        'lat',
      ]),
    );
    // the rows name their village: WGS84 is told apart from the others
    expect(run.datum).toMatchObject({ proposed: 'wgs84', used: 'wgs84', clear: true });
    expect(run.categories.every((c: { exact: boolean; code: string | null }) => c.exact && c.code)).toBe(true);
    expect(run.units.every((u: { exact: boolean }) => u.exact)).toBe(true);
    const table = full.app.problemTable;
    expect(run.counts).toEqual({ rows: table.size, accepted: table.size, warning: 0, rejected: 0 });
    // each line is the problem it came from
    for (const line of run.lines.slice(0, 200)) {
      const p = table.record(line.line - 4);
      expect(line.problem.category).toBe(p.category);
      expect(line.problem.status).toBe(p.status);
      expect(Math.abs(line.problem.lon - p.lon)).toBeLessThan(1e-6);
      expect(Math.abs(line.problem.lat - p.lat)).toBeLessThan(1e-6);
      expect(line.problem.gridId).toBe(p.gridId);
    }
  });

  it('the same 台账 read into the town it came from: every row the same problem as one already there', async () => {
    const run = (await post(full, '/api/imports/dry-run', form(ledger))).json();
    expect(run.counts.rejected).toBe(full.app.problemTable.size);
    const first = full.app.problemTable.record(0);
    expect(run.lines[0].reasons[0]).toContain(`与已有问题 ${first.id} 重复`);
  });

  it('the report as .xlsx: each row with its result and reason in front of the sheet’s own cells', async () => {
    const res = await post(full, '/api/imports/report', form(ledger, '十月台账.xlsx'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('十月台账_导入检查结果.xlsx'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(String(sheet.getCell('A1').value)).toContain(`共 ${full.app.problemTable.size} 行`);
    expect(sheet.getRow(2).values).toEqual(expect.arrayContaining(['行号', '导入结果', '原因', '问题编号', '问题类型']));
    expect(sheet.getCell('A3').value).toBe(4);
    expect(sheet.getCell('B3').value).toBe('不导入');
    expect(String(sheet.getCell('C3').value)).toContain('与已有问题');
  });

  it('the clerk’s choices: a datum, a category for words the catalogue lacks; bad choices named', async () => {
    const res = await post(empty, '/api/imports/dry-run', form(ledger, '台账.xlsx', { datum: 'gcj02' }));
    const run = res.json();
    expect(run.datum).toMatchObject({ proposed: 'wgs84', used: 'gcj02' });
    // read as GCJ-02, the positions move a few hundred metres: some leave the town, the rest stay in
    expect(run.lines[0].problem === null || Math.abs(run.lines[0].problem.lon - full.app.problemTable.lon[0]) > 1e-4).toBe(true);
    for (const [choices, field] of [
      ['{not json', 'choices'],
      [{ datum: 'utm' }, 'choices.datum'],
      [{ categories: { 噪音: 'noise' } }, 'choices.categories.噪音'],
      [{ units: { 某局: 'nope' } }, 'choices.units.某局'],
    ] as const) {
      const bad = await post(empty, '/api/imports/dry-run', form(ledger, '台账.xlsx', choices));
      expect(bad.statusCode, JSON.stringify(choices)).toBe(400);
      expect(bad.json().field).toBe(field);
    }
  });

  it('files it cannot read get a message naming the file; only admins import', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Array(504).fill(0)]);
    for (const [file, message] of [
      [xls, /另存为” \.xlsx/],
      [Buffer.from('这只是一段文字\r\n没有表头\r\n'), /找不到表头/],
      [Buffer.from('问题类型,问题描述\r\n小广告,电线杆\r\n'), /没有“经度”“纬度”或“经纬度”列/],
    ] as const) {
      const res = await post(empty, '/api/imports/dry-run', form(file));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ field: 'file' });
      expect(res.json().message).toMatch(message);
    }
    expect((await post(empty, '/api/imports/dry-run', form(null))).json().field).toBe('file');
    expect((await post(full, '/api/imports/dry-run', form(ledger), 'leader')).statusCode).toBe(403);
    expect(full.app.problemTable.size).toBe(600);
    expect(empty.app.problemTable.size).toBe(0);
  });
});
