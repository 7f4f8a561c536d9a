import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { kmlFeatures } from './read-kml.ts';
import { UnreadableFile } from './unreadable.ts';
import { readZip, type ZipLimits } from './zip-guard.ts';

export { UnreadableFile };

/**
 * A spreadsheet file (.xlsx or .csv) as rows of cells, whatever made it: the kind told by its
 * bytes, not its name; a CSV's encoding told by its BOM, else UTF-8 when it decodes as UTF-8,
 * else GB18030 (the superset of GBK that Excel and WPS on Chinese Windows write).
 */

export type Cell = string | number | Date | null;

export interface Table {
  rows: Cell[][];
  /** How the text was decoded (CSV), or 'xlsx'; 'geojson' or 'kml' for points read from those (UTF-8). */
  encoding: 'xlsx' | 'utf-8' | 'utf-16le' | 'gb18030' | 'geojson' | 'kml';
}

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** What a file's bytes are. */
export function sniff(bytes: Uint8Array): 'zip' | 'ole' | 'text' | 'binary' {
  if (startsWith(bytes, ZIP)) return 'zip';
  if (startsWith(bytes, OLE)) return 'ole';
  // text has no NUL bytes in its first KiB (UTF-16 aside, told by its BOM)
  const head = bytes.subarray(0, 1024);
  if (startsWith(bytes, [0xff, 0xfe]) || !head.includes(0)) return 'text';
  return 'binary';
}

/** A CSV's text: BOM first, then UTF-8 if it decodes cleanly, else GB18030. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: Table['encoding'] } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** A cell as exceljs gives it (rich text, formulas, links, errors) reduced to its shown value. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return v.result === undefined ? null : cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('error' in v) return null;
  }
  return String(v);
}

/** Copies each merged range's value into every cell it covers (merged 村居 over a group of rows). */
function fillMerged(rows: Cell[][], ranges: readonly string[]): void {
  for (const range of ranges) {
    const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(range);
    if (!m) continue;
    const col = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const [left, top, right, bottom] = [col(m[1]), Number(m[2]) - 1, col(m[3]), Number(m[4]) - 1];
    const value = rows[top]?.[left] ?? null;
    for (let r = top; r <= bottom; r++) {
      if (!rows[r]) rows[r] = [];
      for (let c = left; c <= right; c++) if (r !== top || c !== left) rows[r][c] = value;
    }
  }
}

/** The first worksheet of an .xlsx, merged ranges filled. */
async function readXlsx(bytes: Buffer, limits?: ZipLimits): Promise<Table> {
  // a zip bomb or a lying header is refused before exceljs inflates anything
  const entries = readZip(bytes, limits);
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    // a .kmz: its first .kml
    const kmlEntry = entries.find((e) => /\.kml$/i.test(e.name));
    if (kmlEntry) return readKml(new TextDecoder('utf-8').decode(kmlEntry.data));
    throw new UnreadableFile('这不是 Excel 工作簿（.xlsx）或 KMZ：请上传 .xlsx、.csv、.geojson 或 .kml/.kmz 文件');
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new UnreadableFile(`无法读取 .xlsx 文件（${e instanceof Error ? e.message : String(e)}），请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入`);
  }
  const sheet = book.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw new UnreadableFile('工作簿中没有数据');
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      cells[c - 1] = cellValue(cell.value);
    });
    rows[n - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) if (!rows[i]) rows[i] = [];
  fillMerged(rows, (sheet.model as { merges?: string[] }).merges ?? []);
  return { rows, encoding: 'xlsx' };
}

/**
 * GeoJSON points as a table: 经度 and 纬度 from each point, then its properties as columns (named
 * as the file names them, so the header words find them). A feature that is not a point keeps
 * empty coordinates, and its row is refused for that.
 */
function readGeoJson(text: string): Table {
  let doc: { type?: string; features?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UnreadableFile('GeoJSON 文件不是合法的 JSON');
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new UnreadableFile('GeoJSON 应为 FeatureCollection');
  return pointsTable(doc.features as PointFeature[], 'geojson');
}

type PointFeature = { geometry?: { type?: string; coordinates?: unknown } | null; properties?: Record<string, unknown> | null };

/** Point features as a table: 经度, 纬度, then every property as a column (a feature that is not a point keeps no position). */
function pointsTable(features: readonly PointFeature[], encoding: Table['encoding']): Table {
  const keys: string[] = [];
  for (const f of features) for (const k of Object.keys(f?.properties ?? {})) if (!keys.includes(k) && k !== '经度' && k !== '纬度') keys.push(k);
  const cell = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v));
  const rows: Cell[][] = [['经度', '纬度', ...keys]];
  for (const f of features) {
    const c = f?.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates) ? (f.geometry.coordinates as unknown[]) : [];
    rows.push([cell(c[0]), cell(c[1]), ...keys.map((k) => cell(f?.properties?.[k]))]);
  }
  return { rows, encoding };
}

/** KML placemarks (a .kml, or the .kml inside a .kmz) as a table of points. */
function readKml(text: string): Table {
  return pointsTable(kmlFeatures(text).features as PointFeature[], 'kml');
}

function readCsv(bytes: Uint8Array): Table {
  const { text, encoding } = decodeText(bytes);
  if (/^\s*\{/.test(text)) return readGeoJson(text);
  if (/^\s*</.test(text)) return readKml(text);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, delimiter: '' });
  const rows = parsed.data.map((r) => r.map((c) => (c.trim() === '' ? null : c)));
  // a trailing line break makes an empty last row
  while (rows.length && rows[rows.length - 1].every((c) => c === null)) rows.pop();
  return { rows, encoding };
}

/** Reads an uploaded sheet; `.xls` (the old binary format) and other files get a message naming what to do. */
export async function readTable(bytes: Buffer, limits?: ZipLimits): Promise<Table> {
  const kind = sniff(bytes);
  if (kind === 'ole') throw new UnreadableFile('这是旧版 Excel（.xls）文件：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入');
  if (kind === 'zip') return readXlsx(bytes, limits);
  if (kind === 'text') return readCsv(bytes);
  throw new UnreadableFile('无法识别的文件：请上传 .xlsx、.csv、.geojson 或 .kml/.kmz 文件');
}
