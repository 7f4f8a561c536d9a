import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { findCategory } from '../domain/catalogue.ts';
import { matchCategory } from './category-match.ts';
import { parsePosition } from './cell-parse.ts';
import { type DatumGuess, guessDatum } from './datum.ts';
import { type Field, findHeader, type HeaderFound } from './header-map.ts';
import { evaluateRows, type ImportChoices, matchUnit, type RowContext, type RowReport } from './import-rows.ts';
import { type Cell, readTable, type Table, UnreadableFile } from './read-table.ts';

/**
 * The whole dry run of an uploaded sheet: read it, find its header, propose the datum, list the
 * categories and units it names with what each maps to, and judge every row — nothing written.
 */

export interface NameUse {
  /** The text as the sheet writes it. */
  text: string;
  rows: number;
  /** What it maps to: the clerk's choice, else an exact match, else a proposal (exact false), else null. */
  code: string | null;
  name: string | null;
  exact: boolean;
  chosen: boolean;
}

export interface DryRun {
  table: Table;
  header: HeaderFound;
  datum: DatumGuess;
  /** The datum the rows were read in: the clerk's choice, else the proposal. */
  datumUsed: ImportChoices['datum'];
  categories: NameUse[];
  units: NameUse[];
  reports: RowReport[];
  counts: { rows: number; accepted: number; warning: number; rejected: number };
}

/** The most rows one import takes (a district's year is well under it). */
export const MAX_IMPORT_ROWS = 200_000;

function uses(rows: readonly Cell[][], header: HeaderFound, field: Field): Map<string, number> {
  const c = header.columns[field];
  const out = new Map<string, number>();
  if (c === undefined) return out;
  for (let r = header.row + 1; r < rows.length; r++) {
    const text = String(rows[r]?.[c] ?? '').trim();
    if (text) out.set(text, (out.get(text) ?? 0) + 1);
  }
  return out;
}

export async function dryRun(bytes: Buffer, choices: Partial<ImportChoices>, ctx: RowContext): Promise<DryRun> {
  const table = await readTable(bytes);
  if (table.rows.length > MAX_IMPORT_ROWS + 50) throw new UnreadableFile(`行数过多（${table.rows.length} 行）：一次最多导入 ${MAX_IMPORT_ROWS} 行，请分批导入`);
  const header = findHeader(table.rows);
  if (!header) throw new UnreadableFile('在前 30 行中找不到表头：需要至少两列可识别的列名，如“问题类型”“问题描述”“经度”“纬度”“发现时间”');
  if (header.columns.lon === undefined && header.columns.position === undefined)
    throw new UnreadableFile('表头中没有“经度”“纬度”或“经纬度”列：没有坐标的问题无法落图');
  if (header.columns.lon !== undefined && header.columns.lat === undefined) throw new UnreadableFile('有“经度”列但没有“纬度”列');
  const { town } = ctx;
  const points = table.rows.slice(header.row + 1).flatMap((r) => {
    const p = parsePosition(
      r[header.columns.lon ?? -1],
      r[header.columns.lat ?? -1],
      header.columns.position === undefined ? undefined : r[header.columns.position],
    );
    return p.ok ? [{ lon: p.value[0], lat: p.value[1], area: String(r[header.columns.community ?? -1] ?? '').trim() || null }] : [];
  });
  const datum = guessDatum(
    points,
    (lon, lat) => town.gridIndex.locate(lon, lat) !== null,
    (lon, lat) => town.communityById.get(town.communityIndex.locate(lon, lat) ?? '')?.name ?? null,
  );
  const datumUsed = choices.datum ?? datum.datum;
  const categories = [...uses(table.rows, header, 'category')].map(([text, rows]): NameUse => {
    const chosen = choices.categories !== undefined && text in choices.categories;
    const m = chosen ? null : matchCategory(text);
    const code = chosen ? (choices.categories?.[text] ?? null) : (m?.code ?? null);
    return { text, rows, code, name: code ? (findCategory(code)?.name ?? null) : null, exact: chosen || !!m?.exact, chosen };
  });
  const units = [...uses(table.rows, header, 'unit')].map(([text, rows]): NameUse => {
    const chosen = choices.units !== undefined && text in choices.units;
    const m = chosen ? null : matchUnit(text, town);
    const code = chosen ? (choices.units?.[text] ?? null) : (m?.id ?? null);
    return { text, rows, code, name: code ? (town.unitById.get(code)?.name ?? null) : null, exact: chosen || !!m?.exact, chosen };
  });
  const reports = evaluateRows(table.rows, header, { ...choices, datum: datumUsed }, ctx);
  const counts = { rows: reports.length, accepted: 0, warning: 0, rejected: 0 };
  for (const r of reports) counts[r.outcome]++;
  return { table, header, datum, datumUsed, categories, units, reports, counts };
}

const OUTCOME_NAMES: Record<RowReport['outcome'], string> = { accepted: '可导入', warning: '可导入（有提示）', rejected: '不导入' };
const OUTCOME_COLORS: Record<RowReport['outcome'], string> = { accepted: 'FFE8F5E9', warning: 'FFFFF8E1', rejected: 'FFFFEBEE' };

/** The dry-run report as .xlsx: the sheet's own header and rows, with 导入结果 and 原因 columns first. */
export async function writeReportXlsx(out: Writable, run: DryRun, filename: string): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet('导入检查结果', { views: [{ state: 'frozen', ySplit: 2 }] });
  const width = Math.max(...run.table.rows.slice(run.header.row, run.header.row + 1).map((r) => r.length), 1);
  sheet.columns = [{ width: 8 }, { width: 16 }, { width: 48 }, ...Array.from({ length: width }, () => ({ width: 14 }))];
  const title = sheet.getRow(1);
  title.getCell(1).value =
    `${filename} 导入检查：共 ${run.counts.rows} 行，可导入 ${run.counts.accepted + run.counts.warning} 行（其中有提示 ${run.counts.warning} 行），不导入 ${run.counts.rejected} 行；坐标按 ${run.datumUsed.toUpperCase()} 读取`;
  title.getCell(1).font = { bold: true };
  title.commit();
  const head = sheet.getRow(2);
  ['行号', '导入结果', '原因', ...(run.table.rows[run.header.row] ?? []).map((c) => String(c ?? ''))].forEach((h, i) => {
    head.getCell(i + 1).value = h;
    head.getCell(i + 1).font = { bold: true };
  });
  head.commit();
  let n = 3;
  for (const r of run.reports) {
    const row = sheet.getRow(n++);
    row.getCell(1).value = r.line;
    row.getCell(2).value = OUTCOME_NAMES[r.outcome];
    row.getCell(2).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: OUTCOME_COLORS[r.outcome] } };
    row.getCell(3).value = r.reasons.join('；');
    // as read (an .xlsx cell holding text is text, whatever it begins with: no formula is written)
    (run.table.rows[r.line - 1] ?? []).forEach((c, i) => {
      row.getCell(4 + i).value = c;
    });
    row.commit();
  }
  sheet.commit();
  await book.commit();
}
