import ExcelJS from 'exceljs';
import gcoord from 'gcoord';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KM_PER_DEG_LAT, kmPerDegLon } from '../../server/domain/geometry.ts';
import { parsePosition } from '../../server/exchange/cell-parse.ts';
import { guessDatum } from '../../server/exchange/datum.ts';
import { dryRun as fullDryRun } from '../../server/exchange/dry-run.ts';
import { findHeader } from '../../server/exchange/header-map.ts';
import { evaluateRows, type RowReport } from '../../server/exchange/import-rows.ts';
import { type Cell, readTable } from '../../server/exchange/read-table.ts';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;

/** A row of the test's 台账: what is written, where it truly is (WGS84), what the dry run must say. */
interface Line {
  cells: (string | number | Date | null)[];
  truth: [number, number] | null;
  outcome: RowReport['outcome'];
  reason?: RegExp;
}

const HEADER = ['序号', '村（居）', '问题类型', '问题描述', '具体位置', '经度', '纬度', '发现时间', '整改时限', '整改情况', '销号时间', '责任单位'];
const gcj = ([lon, lat]: [number, number]) => gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
/** 度分秒 text of a coordinate. */
function dms(x: number, hemi: string): string {
  const d = Math.floor(x);
  const m = Math.floor((x - d) * 60);
  const s = ((x - d) * 60 - m) * 60;
  return `${d}°${m}′${s.toFixed(3)}″${hemi}`;
}
const metres = (a: [number, number], b: [number, number]) => Math.hypot((a[0] - b[0]) * kmPerDegLon(a[1]) * 1000, (a[1] - b[1]) * KM_PER_DEG_LAT * 1000);

let lines: Line[];

beforeAll(async () => {
  ctx = await demoApp(1500);
  const t = ctx.app.problemTable;
  // true positions: demo problems' places (inside the town), their reports moved to March 2025 (before the demo's year)
  const town = ctx.app.townData;
  const at = (i: number): [number, number] => [t.lon[i], t.lat[i]];
  const village = (i: number) => town.communityById.get(t.record(i).communityId)?.name ?? '';
  const unit = [...town.unitById.values()][0];
  const existing = t.record(5);
  // the first three rows in one village (its name merged over them), the fourth anywhere
  const first = t.record(10).communityId;
  const same = Array.from({ length: t.size }, (_, i) => i).filter((i) => i > 10 && t.record(i).communityId === first);
  const [a, b, c, d] = [at(10), at(same[0]), at(same[1]), at(40)];
  const [ga, gb, gc, gd] = [a, b, c, d].map(gcj);
  lines = [
    {
      cells: [1, village(10), '小广告', '电线杆小广告', '老街东', ga[0], ga[1], '2025.3.5', '2025-03-06', '已整改', '2025/3/6', unit.name],
      truth: a,
      outcome: 'accepted',
    },
    {
      cells: [2, null, '占道经营', '店外摆放', '农贸市场', dms(gb[0], 'E'), dms(gb[1], 'N'), '3月7日', '立行立改', '整改中', null, unit.name],
      truth: b,
      outcome: 'accepted',
    },
    {
      cells: [3, null, '违章停车', '车辆乱停', '东街', String(gc[0]), String(gc[1]), '2025年3月8日', '3天', '未整改', null, '某某局'],
      truth: c,
      outcome: 'warning',
      reason: /责任单位“某某局”未对应/,
    },
    {
      cells: [4, village(40), '噪音扰民', '夜间施工', '工地', gd[0], gd[1], '2025-03-09', null, '未整改', null, null],
      truth: null,
      outcome: 'rejected',
      reason: /未知的问题类型“噪音扰民”/,
    },
    {
      cells: [5, null, '小广告', '北京的小广告', '天安门', 116.397, 39.908, '2025-03-09', null, '未整改', null, null],
      truth: null,
      outcome: 'rejected',
      reason: /位置不在本镇网格内/,
    },
    {
      cells: [6, null, '小广告', '日期错', '西街', gd[0], gd[1], '2025-02-30', null, '未整改', null, null],
      truth: null,
      outcome: 'rejected',
      reason: /日期无效/,
    },
    // the first row again, word for word
    {
      cells: [7, village(10), '小广告', '电线杆小广告', '老街东', ga[0], ga[1], '2025.3.5', '2025-03-06', '已整改', '2025/3/6', unit.name],
      truth: null,
      outcome: 'rejected',
      reason: /与第 5 行重复/,
    },
    // a problem already in the town: same category, same place, same day
    {
      // (its category by code, which a sheet may also carry; the time an hour later, as a date cell)
      cells: [
        8,
        null,
        existing.category,
        '又报一次',
        '',
        ...gcj([existing.lon, existing.lat]),
        new Date(existing.reportedAt + 9 * 3_600_000),
        null,
        '未整改',
        null,
        null,
      ],
      truth: null,
      outcome: 'rejected',
      reason: new RegExp(`与已有问题 ${existing.id} 重复`),
    },
    // forty more, all over the town, each on its own day, naming its village: what tells the datum
    ...Array.from({ length: 40 }, (_, k): Line => {
      const i = 200 + k * 30;
      const [lon, lat] = gcj(at(i));
      const day = new Date(Date.UTC(2025, 0, 1 + k)).toISOString().slice(0, 10);
      return { cells: [9 + k, village(i), '乱堆乱放', '杂物堆放', '', lon, lat, day, null, '已整改', day, null], truth: at(i), outcome: 'accepted' };
    }),
  ];
});
afterAll(async () => ctx?.close());

/** The test's messy 台账: a merged title with the year, a 填报单位 line, the header on row 4, 村居 merged. */
async function messyXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账');
  sheet.getCell('A1').value = '盐东镇2025年3月创文问题整改台账';
  sheet.mergeCells('A1:L1');
  sheet.getCell('A2').value = '填报单位：盐东镇创文办';
  sheet.getRow(4).values = HEADER;
  lines.forEach((l, i) => {
    sheet.getRow(5 + i).values = l.cells as ExcelJS.CellValue[];
  });
  sheet.mergeCells('B5:B7');
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same rows as a GBK CSV (dates as text, as WPS saves them). */
function gbkCsv(): Buffer {
  const cell = (v: Line['cells'][number]) => {
    if (v === null) return '';
    if (v instanceof Date) return new Date(v.getTime()).toISOString().slice(0, 16).replace('T', ' ');
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const text = ['盐东镇2025年3月创文问题整改台账', '填报单位：盐东镇创文办', '', HEADER.join(','), ...lines.map((l) => l.cells.map(cell).join(','))].join(
    '\r\n',
  );
  return iconv.encode(text, 'gbk');
}

async function dryRun(bytes: Buffer) {
  const table = await readTable(bytes);
  const header = findHeader(table.rows);
  if (!header) throw new Error('no header');
  const rows = table.rows as Cell[][];
  const town = ctx.app.townData;
  const points = rows.slice(header.row + 1).flatMap((r) => {
    const p = parsePosition(r[header.columns.lon ?? -1], r[header.columns.lat ?? -1]);
    return p.ok ? [{ lon: p.value[0], lat: p.value[1], area: String(r[header.columns.community ?? -1] ?? '') }] : [];
  });
  const guess = guessDatum(
    points,
    (lon, lat) => town.gridIndex.locate(lon, lat) !== null,
    (lon, lat) => town.communityById.get(town.communityIndex.locate(lon, lat) ?? '')?.name ?? null,
  );
  const reports = evaluateRows(
    rows,
    header,
    { datum: guess.datum },
    { town: ctx.app.townData, table: ctx.app.problemTable, now: ctx.app.now(), imported: new Set() },
  );
  return { table, header, guess, reports };
}

describe('the dry run of an import', () => {
  for (const kind of ['xlsx', 'GBK csv'] as const) {
    it(`${kind}: every row gets its outcome and reason, every accepted position lands within 5 m of the truth`, async () => {
      const { table, header, guess, reports } = await dryRun(kind === 'xlsx' ? await messyXlsx() : gbkCsv());
      expect(table.encoding).toBe(kind === 'xlsx' ? 'xlsx' : 'gb18030');
      expect(header.row).toBe(3);
      expect(header.year).toBe(2025);
      expect(guess).toMatchObject({ datum: 'gcj02', clear: true });
      expect(reports.map((r) => r.line)).toEqual(lines.map((_, i) => 5 + i));
      reports.forEach((r, i) => {
        const want = lines[i];
        expect(r.outcome, `line ${r.line}: ${r.reasons.join('；')}`).toBe(want.outcome);
        if (want.reason) expect(r.reasons.join('；'), `line ${r.line}`).toMatch(want.reason);
        if (want.truth) {
          expect(r.problem).not.toBeNull();
          expect(metres([r.problem?.lon ?? 0, r.problem?.lat ?? 0], want.truth), `line ${r.line}`).toBeLessThan(5);
        } else expect(r.problem).toBeNull();
      });
      const [first, second, third] = reports;
      expect(first.problem).toMatchObject({ category: 'flyers', status: 'closed', communityId: expect.any(String) });
      expect(new Date(first.problem?.reportedAt ?? 0).toISOString()).toBe('2025-03-04T16:00:00.000Z');
      expect(new Date(first.problem?.closedAt ?? 0).toISOString()).toBe('2025-03-05T16:00:00.000Z');
      expect(first.problem?.unitId).toBe([...ctx.app.townData.unitById.values()][0].id);
      expect(second.problem).toMatchObject({ category: 'shop_spillover', status: 'in_progress' });
      // 立行立改: the next working day after Friday 7 March 2025 is Monday 10 March
      expect(new Date(second.problem?.deadline ?? 0).toISOString()).toBe('2025-03-09T16:00:00.000Z');
      expect(third.problem).toMatchObject({ category: 'parking_motor', status: 'open', unitId: null });
    });
  }

  it('the same rows give the same fingerprints; rows imported before are refused as such', async () => {
    const once = (await dryRun(await messyXlsx())).reports;
    const again = (await dryRun(gbkCsv())).reports;
    expect(again.map((r) => r.problem?.fingerprint ?? null)).toEqual(once.map((r) => r.problem?.fingerprint ?? null));
    const table = await readTable(await messyXlsx());
    const header = findHeader(table.rows);
    if (!header) throw new Error('no header');
    const done = new Set(once.flatMap((r) => (r.problem ? [r.problem.fingerprint] : [])));
    const second = evaluateRows(
      table.rows,
      header,
      { datum: 'gcj02' },
      { town: ctx.app.townData, table: ctx.app.problemTable, now: ctx.app.now(), imported: done },
    );
    expect(second.filter((r) => r.problem !== null)).toEqual([]);
    expect(second[0].reasons).toEqual(['此行已导入过']);
    // the clerk maps 噪音扰民 to a category in the mapping step: that row is accepted
    const mapped = evaluateRows(
      table.rows,
      header,
      { datum: 'gcj02', categories: { 噪音扰民: 'dirty_area' } },
      { town: ctx.app.townData, table: ctx.app.problemTable, now: ctx.app.now(), imported: new Set() },
    );
    expect(mapped[3]).toMatchObject({ outcome: 'accepted', problem: { category: 'dirty_area' } });
  });
});

describe('a KMZ from a GCJ-02 source (奥维互动地图)', () => {
  it('every placemark gets its outcome, every accepted one lands within 5 m; rows naming no category take the one chosen for them', async () => {
    const t = ctx.app.problemTable;
    const town = ctx.app.townData;
    const truth: [number, number][] = Array.from({ length: 30 }, (_, k) => [t.lon[300 + k * 20], t.lat[300 + k * 20]]);
    const marks = truth.map(([lon, lat], k) => {
      const [gLon, gLat] = gcj([lon, lat]);
      const village = town.communityById.get(town.communityIndex.locate(lon, lat) ?? '')?.name ?? '';
      const day = new Date(Date.UTC(2025, 1, 1 + k)).toISOString().slice(0, 10);
      return `<Placemark><name>巡查点 ${k + 1}</name><description>墙面小广告</description><ExtendedData><Data name="村居"><value>${village}</value></Data><Data name="发现时间"><value>${day}</value></Data></ExtendedData><Point><coordinates>${gLon},${gLat},0</coordinates></Point></Placemark>`;
    });
    marks.push(
      '<Placemark><name>外地</name><ExtendedData><Data name="发现时间"><value>2025-02-03</value></Data></ExtendedData><Point><coordinates>116.397,39.908,0</coordinates></Point></Placemark>',
    );
    const zip = new JSZip();
    zip.file('doc.kml', `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>${marks.join('')}</Document></kml>`);
    const kmz = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const context = { town, table: t, now: ctx.app.now(), imported: new Set<string>() };
    // no category column: every row asks for one
    const bare = await fullDryRun(kmz, {}, context);
    expect(bare.table.encoding).toBe('kml');
    // thirty points far from the town's edge and the villages' borders cannot tell the datums apart: the wizard says so
    expect(bare.datum).toMatchObject({ clear: false });
    expect(bare.datum.reason).toContain('分不出坐标系');
    expect(bare.reports.every((r) => r.outcome === 'rejected')).toBe(true);
    expect(bare.reports[0].reasons[0]).toContain('问题类型为空');
    // the clerk picks 小广告 for them
    // the clerk says where the file came from (奥维: GCJ-02) and picks 小广告 for the rows
    const run = await fullDryRun(kmz, { datum: 'gcj02', defaultCategory: 'flyers' }, context);
    // (imported as 待整改, which each row is told: a KML says nothing of rectification)
    expect(run.reports.map((r) => r.outcome)).toEqual([...truth.map(() => 'warning'), 'rejected']);
    expect(run.reports[0].reasons).toEqual(['整改情况为空，按“待整改”导入']);
    expect(run.reports[30].reasons.join()).toContain('位置不在本镇网格内');
    run.reports.slice(0, 30).forEach((r, k) => {
      expect(r.problem).toMatchObject({ category: 'flyers', description: '墙面小广告' });
      expect(metres([r.problem?.lon ?? 0, r.problem?.lat ?? 0], truth[k]), `placemark ${k + 1}`).toBeLessThan(5);
    });
  });
});
