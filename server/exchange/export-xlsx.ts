import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS, type LedgerRow } from './ledger.ts';

/** Asia/Shanghai is UTC+8 all year: a Date whose UTC fields are Shanghai's wall clock is what Excel stores (it knows no zones). */
const SHANGHAI_MS = 8 * 3_600_000;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm';
const OVERDUE_RED = 'FFC62828';
const HEADER_FILL = 'FFDCE6F2';

/** The sheet's heading: a title row and a line saying what was exported, when, and how many rows. */
export interface LedgerHeading {
  title: string;
  subtitle: string;
}

/** A problem's photos as small JPEGs for the sheet: the first 整改前 and the first 整改后. */
export interface RowPhotos {
  before: Buffer | null;
  after: Buffer | null;
}

/** Thumbnails in the sheet: this many pixels wide and high at most, in a row this tall (points). */
export const THUMB_PX = 96;
const PHOTO_ROW_PT = 76;
const PHOTO_COLUMNS = ['整改前照片', '整改后照片'] as const;

/**
 * Writes the 台账 as `.xlsx` into `out`: a merged title row, a line naming the filters, the header
 * (frozen with the rows above it), column widths, real Excel dates, overdue problems in red. Row
 * by row with exceljs's streaming writer (no workbook held in memory) — unless `photos` is given:
 * then each row gets its 整改前 and 整改后 thumbnails, which only exceljs's in-memory workbook can
 * hold (its streaming writer has no images), so the caller bounds the rows.
 */
export async function writeLedgerXlsx(
  out: Writable,
  heading: LedgerHeading,
  rows: Iterable<LedgerRow>,
  photos?: (row: LedgerRow) => Promise<RowPhotos>,
): Promise<void> {
  const book = photos ? new ExcelJS.Workbook() : new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = '创文一张图';
  const sheet = book.addWorksheet('问题台账', { views: [{ state: 'frozen', ySplit: 3, xSplit: 0 }] });
  sheet.columns = [
    ...LEDGER_COLUMNS.map((c) => ({
      key: c.header,
      width: c.width,
      style: c.kind === 'date' ? { numFmt: DATE_FORMAT } : c.kind === 'coordinate' ? { numFmt: '0.000000' } : {},
    })),
    ...(photos ? PHOTO_COLUMNS.map((h) => ({ key: h, width: 15 })) : []),
  ];
  const headers = [...LEDGER_COLUMNS.map((c) => c.header), ...(photos ? PHOTO_COLUMNS : [])];
  const last = headers.length;
  const title = sheet.getRow(1);
  title.getCell(1).value = heading.title;
  title.getCell(1).font = { bold: true, size: 16 };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  title.height = 28;
  sheet.mergeCells(1, 1, 1, last);
  title.commit();
  const sub = sheet.getRow(2);
  sub.getCell(1).value = heading.subtitle;
  sub.getCell(1).font = { color: { argb: 'FF4B5563' } };
  sheet.mergeCells(2, 1, 2, last);
  sub.commit();
  const header = sheet.getRow(3);
  headers.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h;
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.alignment = { horizontal: 'center' };
    cell.border = { bottom: { style: 'thin' } };
  });
  header.commit();
  let n = 4;
  for (const r of rows) {
    const row = sheet.getRow(n);
    LEDGER_COLUMNS.forEach((c, i) => {
      const v = c.value(r);
      row.getCell(i + 1).value = v === null || v === '' ? null : c.kind === 'date' ? new Date((v as number) + SHANGHAI_MS) : v;
    });
    if (r.overdue) row.font = { color: { argb: OVERDUE_RED } };
    if (photos) {
      const got = await photos(r);
      if (got.before || got.after) row.height = PHOTO_ROW_PT;
      [got.before, got.after].forEach((jpeg, k) => {
        if (!jpeg) return;
        const image = book.addImage({ buffer: jpeg as unknown as ExcelJS.Buffer, extension: 'jpeg' });
        // tl is zero-based (column, row); a little in from the cell's corner
        sheet.addImage(image, { tl: { col: LEDGER_COLUMNS.length + k + 0.1, row: n - 1 + 0.1 }, ext: { width: THUMB_PX, height: THUMB_PX * 0.75 } });
      });
    }
    row.commit();
    n++;
  }
  if (photos) {
    await book.xlsx.write(out);
    out.end();
    return;
  }
  sheet.commit();
  await (book as ExcelJS.stream.xlsx.WorkbookWriter).commit();
}
