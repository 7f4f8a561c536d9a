import { createHash } from 'node:crypto';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import { findCategory, type SourceCode, sources } from '../domain/catalogue.ts';
import { KM_PER_DEG_LAT, kmPerDegLon } from '../domain/geometry.ts';
import type { Status } from '../domain/lifecycle.ts';
import type { TownData } from '../town-data.ts';
import { matchCategory } from './category-match.ts';
import { type Parsed, parseDate, parseDeadline, parsePosition, parseStatus } from './cell-parse.ts';
import { type Datum, toWgs84 } from './datum.ts';
import type { HeaderFound } from './header-map.ts';
import type { Cell } from './read-table.ts';

/**
 * The dry run of an import: each row of a sheet read into a problem to add, or refused with its
 * reasons, or added with warnings — nothing written. The same rows give the same answer (and the
 * same fingerprints), so a commit adds exactly what the report showed.
 */

/** A problem as read from a row, ready to be added (positions in WGS84). */
export interface ImportedProblem {
  lon: number;
  lat: number;
  gridId: string;
  communityId: string;
  category: string;
  description: string;
  address: string;
  reportedAt: number;
  deadline: number | null;
  status: Status;
  closedAt: number | null;
  unitId: string | null;
  measure: string | null;
  source: SourceCode;
  /** The row's content hashed: the same row imported again is known and skipped. */
  fingerprint: string;
}

export type Outcome = 'accepted' | 'warning' | 'rejected';

export interface RowReport {
  /** The row's number on the sheet, as Excel shows it (1-based). */
  line: number;
  outcome: Outcome;
  reasons: string[];
  problem: ImportedProblem | null;
}

export interface ImportChoices {
  datum: Datum;
  /** The clerk's answers in the mapping step: a sheet's 问题类型 text → category code (or null: refuse those rows). */
  categories?: Record<string, string | null>;
  /** 责任单位 text → unit id (or null: leave without a unit). */
  units?: Record<string, string | null>;
  /** The category of rows that name none (a sheet or a KML without a 问题类型 column). */
  defaultCategory?: string;
}

export interface RowContext {
  town: TownData;
  /** The problems already in the town, for duplicates. */
  table: ProblemTable;
  now: number;
  /** Fingerprints of rows imported before (a second import of the same rows adds nothing). */
  imported: ReadonlySet<string>;
}

/** Same category within this many metres and a day of each other: the same problem reported twice. */
export const DUPLICATE_METRES = 20;
const DAY = 86_400_000;

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim());
/** A text cell as written, the neutralising apostrophe of an exported CSV removed. */
const plain = (c: Cell | undefined): string => text(c).replace(/^'(?=[=+\-@\t\r])/, '');

const norm = (s: string) => s.replace(/[\s()（）]/g, '');

/** A unit named in a sheet: by its exact name, or the one whose name holds the text (or the text it). */
export function matchUnit(name: string, town: TownData): { id: string; exact: boolean } | null {
  const key = norm(name);
  if (!key) return null;
  const units = [...town.unitById.values()];
  const exact = units.find((u) => norm(u.name) === key);
  if (exact) return { id: exact.id, exact: true };
  const near = units.filter((u) => norm(u.name).includes(key) || key.includes(norm(u.name)));
  return near.length === 1 ? { id: near[0].id, exact: false } : null;
}

function fingerprint(p: Omit<ImportedProblem, 'fingerprint' | 'gridId' | 'communityId'>): string {
  const key = [p.category, p.lon.toFixed(6), p.lat.toFixed(6), p.reportedAt, p.description, p.address, p.status].join('\u0001');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const sourceByName = new Map<string, SourceCode>(sources.flatMap((s) => [[s.name, s.code] as [string, SourceCode], [s.code, s.code] as [string, SourceCode]]));

/** Reads every row under the header into a report line. */
export function evaluateRows(rows: readonly Cell[][], header: HeaderFound, choices: ImportChoices, ctx: RowContext): RowReport[] {
  const col = header.columns;
  const at = (row: readonly Cell[], f: keyof HeaderFound['columns']) => (col[f] === undefined ? undefined : row[col[f] as number]);
  const reports: RowReport[] = [];
  // within the file: exact repeats by fingerprint; near repeats by category, ~20 m cell and day
  const seen = new Map<string, number>();
  const near = new Map<string, { line: number; lon: number; lat: number }[]>();
  for (let r = header.row + 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    if (row.every((c) => text(c) === '')) continue;
    const line = r + 1;
    const reasons: string[] = [];
    const warnings: string[] = [];
    const reject = (reason: string) => reasons.push(reason);
    const got = <T>(p: Parsed<T>): T | undefined => {
      if (p.ok) return p.value;
      reject(p.reason);
      return undefined;
    };

    // where
    const position = got(parsePosition(at(row, 'lon'), at(row, 'lat'), at(row, 'position')));
    let lon = 0;
    let lat = 0;
    let gridId: string | null = null;
    let communityId: string | null = null;
    if (position) {
      [lon, lat] = toWgs84(position[0], position[1], choices.datum);
      gridId = ctx.town.gridIndex.locate(lon, lat);
      communityId = gridId ? (ctx.town.gridById.get(gridId)?.communityId ?? null) : null;
      if (!gridId || !communityId) reject('位置不在本镇网格内');
    }

    // what
    const categoryText = plain(at(row, 'category'));
    let category: string | null = null;
    if (!categoryText) {
      if (choices.defaultCategory && findCategory(choices.defaultCategory)) category = choices.defaultCategory;
      else reject('问题类型为空（可为没有类型的行统一选择一个）');
    } else if (choices.categories && categoryText in choices.categories) {
      category = choices.categories[categoryText];
      if (!category) reject(`问题类型“${categoryText}”已选择不导入`);
      else if (!findCategory(category)) reject(`问题类型代码无效：${category}`);
    } else {
      const m = matchCategory(categoryText);
      if (m?.exact) category = m.code;
      else reject(`未知的问题类型“${categoryText}”${m ? `（可能是“${findCategory(m.code)?.name}”，请在类型对照中确认）` : '（请在类型对照中选择）'}`);
    }
    const description = plain(at(row, 'description'));
    const address = plain(at(row, 'address'));
    if (!description && !address) reject('问题描述和具体位置都为空');
    if (description.length > 500) reject('问题描述超过 500 字');

    // when
    const reportedCell = at(row, 'reportedAt');
    let reportedAt: number | undefined;
    if (reportedCell === undefined || text(reportedCell) === '') reject('发现时间为空');
    else reportedAt = got(parseDate(reportedCell, header.year));
    if (reportedAt !== undefined && reportedAt > ctx.now) reject(`发现时间晚于现在：${shanghaiDate(reportedAt)}`);
    const statusCell = at(row, 'status');
    const status: Status | undefined = statusCell === undefined || text(statusCell) === '' ? 'open' : got(parseStatus(statusCell));
    if (statusCell === undefined || text(statusCell) === '') warnings.push('整改情况为空，按“待整改”导入');
    const deadline = reportedAt === undefined ? undefined : got(parseDeadline(at(row, 'deadline') ?? null, reportedAt, header.year));
    let closedAt: number | null = null;
    if (status === 'closed') {
      const closedCell = at(row, 'closedAt');
      if (closedCell !== undefined && text(closedCell) !== '') closedAt = got(parseDate(closedCell, header.year)) ?? null;
      else if (reportedAt !== undefined) {
        closedAt = reportedAt;
        warnings.push('已整改但没有销号时间，按发现时间记');
      }
      if (closedAt !== null && reportedAt !== undefined && closedAt < reportedAt) reject('销号时间早于发现时间');
    }

    // who
    const unitText = plain(at(row, 'unit'));
    let unitId: string | null = null;
    if (unitText) {
      if (choices.units && unitText in choices.units) unitId = choices.units[unitText];
      else {
        const u = matchUnit(unitText, ctx.town);
        if (u?.exact) unitId = u.id;
        else
          warnings.push(
            `责任单位“${unitText}”未对应到本镇单位${u ? `（可能是“${ctx.town.unitById.get(u.id)?.name}”，请在单位对照中确认）` : ''}，按未交办导入`,
          );
      }
    }
    const sourceText = plain(at(row, 'source'));
    const source = sourceByName.get(sourceText) ?? 'inspection';
    if (sourceText && !sourceByName.has(sourceText)) warnings.push(`问题来源“${sourceText}”未识别，按“督导检查”导入`);
    const measure = plain(at(row, 'measure')) || null;

    let problem: ImportedProblem | null = null;
    if (reasons.length === 0 && category && reportedAt !== undefined && status && deadline !== undefined && gridId && communityId) {
      const draft = { lon, lat, category, description: description || address, address, reportedAt, deadline, status, closedAt, unitId, measure, source };
      const fp = fingerprint(draft);
      const twin = seen.get(fp);
      if (twin !== undefined) reject(`与第 ${twin} 行重复`);
      else if (ctx.imported.has(fp)) reject('此行已导入过');
      else {
        seen.set(fp, line);
        const closeInFile = nearInFile(near, category, lon, lat, reportedAt);
        if (closeInFile !== null) reject(`与第 ${closeInFile} 行是同一问题（同类、相距 ${DUPLICATE_METRES} 米内、1 天内）`);
        const existing = nearExisting(ctx.table, category, lon, lat, reportedAt);
        if (existing !== null) reject(`与已有问题 ${existing} 重复（同类、相距 ${DUPLICATE_METRES} 米内、1 天内）`);
        if (reasons.length === 0) {
          problem = { ...draft, gridId, communityId, fingerprint: fp };
          const key = `${category}|${Math.floor(reportedAt / DAY)}`;
          near.set(key, [...(near.get(key) ?? []), { line, lon, lat }]);
        }
      }
    }
    reports.push({
      line,
      outcome: reasons.length > 0 ? 'rejected' : warnings.length > 0 ? 'warning' : 'accepted',
      reasons: [...reasons, ...warnings],
      problem: reasons.length > 0 ? null : problem,
    });
  }
  return reports;
}

const metres = (lon: number, lat: number, lon2: number, lat2: number) =>
  Math.hypot((lon2 - lon) * kmPerDegLon(lat) * 1000, (lat2 - lat) * KM_PER_DEG_LAT * 1000);

/** An earlier row of the file with the same category within 20 m and a day, or null. */
function nearInFile(near: Map<string, { line: number; lon: number; lat: number }[]>, category: string, lon: number, lat: number, at: number): number | null {
  const day = Math.floor(at / DAY);
  for (const d of [day - 1, day, day + 1]) {
    for (const other of near.get(`${category}|${d}`) ?? []) if (metres(lon, lat, other.lon, other.lat) <= DUPLICATE_METRES) return other.line;
  }
  return null;
}

/** A problem already in the town of the same category within 20 m and a day, or null. */
function nearExisting(table: ProblemTable, category: string, lon: number, lat: number, at: number): number | null {
  const code = table.categoryIndex.get(category);
  if (code === undefined || table.size === 0) return null;
  const dLon = DUPLICATE_METRES / 1000 / kmPerDegLon(lat);
  const dLat = DUPLICATE_METRES / 1000 / KM_PER_DEG_LAT;
  const index = table.spatialIndex();
  const check = (i: number) =>
    table.category[i] === code && Math.abs(table.reportedAt[i] - at) <= DAY && metres(lon, lat, table.lon[i], table.lat[i]) <= DUPLICATE_METRES;
  for (const i of index.candidates([lon - dLon, lat - dLat, lon + dLon, lat + dLat])) if (check(i)) return table.id[i];
  // rows added since the index was built
  for (let i = index.size; i < table.size; i++) if (check(i)) return table.id[i];
  return null;
}
