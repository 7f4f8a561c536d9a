import { request } from 'node:http';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayMismatches } from '../../server/domain/replay.ts';
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

describe('hostile uploads: a clear error, bounded memory, nothing written', () => {
  it('a 1 GB CSV sent over HTTP is refused at the 50 MB limit without being held, and the town is unchanged', async () => {
    const address = await full.app.listen({ port: 0, host: '127.0.0.1' });
    const GB = 1024 ** 3;
    const line = Buffer.from('小广告,电线杆上的小广告,120.3655,33.3515,2026-03-05\r\n'.repeat(1000));
    let sent = 0;
    // made as it is read: the test holds no more than one chunk either
    const body = Readable.from(
      (function* () {
        yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="台账.csv"\r\nContent-Type: text/csv\r\n\r\n`);
        yield Buffer.from('问题类型,问题描述,经度,纬度,发现时间\r\n');
        while (sent < GB) {
          sent += line.length;
          yield line;
        }
        yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
      })(),
    );
    const rss = process.memoryUsage().rss;
    let peak = rss;
    const watch = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${address}/api/imports/dry-run`,
        { method: 'POST', headers: { ...full.as.admin, origin: address, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          // the answer is in: stop sending the rest of the gigabyte
          body.destroy();
        },
      );
      req.on('error', reject);
      body.on('error', () => {});
      body.pipe(req);
    });
    clearInterval(watch);
    expect(answer.status, answer.body).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'too_large', field: 'file' });
    expect(JSON.parse(answer.body).message).toContain('50 MB');
    // the server read about the limit, not the gigabyte, and held at most a limit's worth
    expect(sent).toBeLessThan(GB / 4);
    expect(peak - rss).toBeLessThan(400 * 1024 * 1024);
    expect(full.app.problemTable.size).toBe(600);
    expect((await full.app.inject({ url: '/api/imports', headers: full.as.admin })).json().batches).toEqual([]);
  });

  it('a file whose extension lies is judged by its content, on every upload route', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, ...Array(40).fill(0)]);
    for (const url of ['/api/imports/dry-run', '/api/imports/report', '/api/imports', '/api/boundaries/dry-run', '/api/boundaries']) {
      for (const name of ['台账.xlsx', '台账.csv', '网格.zip', '网格.kml', '网格.geojson']) {
        const res = await post(full, url, form(png, name));
        expect(res.statusCode, `${url} ${name}`).toBe(422);
        expect(res.json(), `${url} ${name}`).toMatchObject({ field: 'file' });
      }
    }
    // a real workbook named .csv reads as the workbook it is
    const named = await post(empty, '/api/imports/dry-run', form(ledger, '台账.csv'));
    expect(named.statusCode).toBe(200);
    expect(named.json().file.encoding).toBe('xlsx');
    // and a workbook sent as boundaries is told it holds no areas
    const sheet = await post(full, '/api/boundaries/dry-run', form(ledger, '网格.zip'));
    expect(sheet.statusCode).toBe(422);
    expect(full.app.problemTable.size).toBe(600);
    expect(full.app.townData.grids.length).toBeGreaterThan(0);
  });
});

describe('importing and undoing', () => {
  /** What a town's problems are, field by field, with positions to 1e-6°. */
  const problems = (app: typeof full) => {
    const t = app.app.problemTable;
    return Array.from({ length: t.size }, (_, i) => {
      const p = t.record(i);
      return {
        category: p.category,
        lon: Math.round(p.lon * 1e6),
        lat: Math.round(p.lat * 1e6),
        status: p.status,
        reportedAt: p.reportedAt,
        deadline: p.deadline,
        closedAt: p.closedAt,
        unitId: p.unitId,
        measure: p.measure,
        source: p.source,
        gridId: p.gridId,
        communityId: p.communityId,
      };
    });
  };
  const summary = async (app: typeof full) => (await app.app.inject({ url: '/api/stats/summary', headers: app.as.admin })).json();
  const communities = async (app: typeof full) => (await app.app.inject({ url: '/api/stats/communities?sort=id', headers: app.as.admin })).json();
  let batch: number;
  /** The empty town's statistics before the import. */
  let before: { summary: unknown; communities: unknown };

  it('round trip: the town’s 台账 exported and imported into an empty town gives the same problems and the same statistics', async () => {
    before = { summary: await summary(empty), communities: await communities(empty) };
    const res = await post(empty, '/api/imports', form(ledger, '盐东镇问题台账.xlsx'));
    expect(res.statusCode, res.body).toBe(201);
    const done = res.json();
    batch = done.batch.id;
    expect(done.batch).toMatchObject({ filename: '盐东镇问题台账.xlsx', rowsAdded: 600, datum: 'wgs84', undoneAt: null });
    expect(problems(empty)).toEqual(problems(full));
    const s = await summary(empty);
    expect(s).toEqual(await summary(full));
    expect(s).not.toEqual(before.summary);
    // the same recurrences (反弹), found in the imported history by the same rule
    const byVillage = await communities(empty);
    expect(byVillage).toEqual(await communities(full));
    expect(byVillage.communities.reduce((n: number, c: { recurrences: number }) => n + c.recurrences, 0)).toBeGreaterThan(0);
    // each row is the replay of its one event, which names the file and line
    const first = empty.app.problemTable.record(0);
    const events = await empty.app.store.events(first.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'import', note: '导入：盐东镇问题台账.xlsx 第 4 行', toStatus: first.status });
    for (let i = 0; i < empty.app.problemTable.size; i += 37) {
      const p = empty.app.problemTable.record(i);
      const stored = await empty.app.store.problem(p.id);
      expect(stored).toEqual(p);
    }
    expect(replayMismatches(first, events)).toEqual([]);
    // the same file again adds nothing
    const again = await post(empty, '/api/imports', form(ledger));
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('nothing_to_import');
    const dry = (await post(empty, '/api/imports/dry-run', form(ledger))).json();
    expect(dry.lines[0].reasons).toEqual(['此行已导入过']);
    // the batch in the list, the commit audited
    const list = (await empty.app.inject({ url: '/api/imports', headers: empty.as.admin })).json();
    expect(list.batches[0]).toMatchObject({ id: batch, rowsAdded: 600 });
  });

  it('undo leaves the town exactly as before the import; the same file imports again afterwards', async () => {
    const res = await empty.app.inject({ method: 'POST', url: `/api/imports/${batch}/undo`, headers: { ...empty.as.admin, origin: ORIGIN } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ removed: 600, batch: { id: batch, undoneBy: expect.any(String) } });
    expect(empty.app.problemTable.size).toBe(0);
    expect(await summary(empty)).toEqual(before.summary);
    expect(await communities(empty)).toEqual(before.communities);
    expect((await empty.app.inject({ url: '/api/problems', headers: empty.as.admin })).json().features).toEqual([]);
    const twice = await empty.app.inject({ method: 'POST', url: `/api/imports/${batch}/undo`, headers: { ...empty.as.admin, origin: ORIGIN } });
    expect(twice.statusCode).toBe(409);
    // the log of events keeps everything else: only an undone batch's events may go
    await expect(full.raw('DELETE FROM problem_events WHERE id = (SELECT min(id) FROM problem_events)')).rejects.toThrow(/append-only/);
    const again = await post(empty, '/api/imports', form(ledger));
    expect(again.statusCode).toBe(201);
    batch = again.json().batch.id;
    expect(problems(empty)).toEqual(problems(full));
    // the undone problems' ids are not given again (PostgreSQL's sequence may also skip ids an aborted write took)
    expect(empty.app.problemTable.id[0]).toBeGreaterThanOrEqual(601);
  });

  it('a batch whose problems were worked on since is not undone; it says which', async () => {
    const i = Array.from({ length: empty.app.problemTable.size }, (_, k) => k).find((k) => empty.app.problemTable.record(k).status === 'open');
    const p = empty.app.problemTable.record(i ?? 0);
    const moved = await empty.app.inject({
      method: 'POST',
      url: `/api/problems/${p.id}/transitions`,
      headers: { ...empty.as.admin, origin: ORIGIN, 'if-match': `"${p.version}"` },
      payload: { action: 'start', note: '开始整改' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const res = await empty.app.inject({ method: 'POST', url: `/api/imports/${batch}/undo`, headers: { ...empty.as.admin, origin: ORIGIN } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'touched', field: 'id' });
    expect(res.json().message).toContain(String(p.id));
    expect(empty.app.problemTable.size).toBe(600);
    expect((await empty.app.inject({ method: 'POST', url: '/api/imports/99999/undo', headers: { ...empty.as.admin, origin: ORIGIN } })).statusCode).toBe(404);
  });
});
