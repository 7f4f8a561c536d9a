import { findCategory, sources } from '../domain/catalogue.ts';
import { isOverdue, statuses } from '../domain/lifecycle.ts';
import { maskName, maskPhone } from '../domain/personal-info.ts';
import type { ProblemRecord, ReporterRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';

/**
 * The 台账 (problem ledger) as offices keep it and hand it in: one row per problem, columns named
 * as on the sheets clerks make in WPS. One definition for every export (.xlsx, .csv) and the names
 * the import looks for first.
 */

/** Rows a 台账 with photo thumbnails may have: exceljs holds a workbook with images in memory. */
export const MAX_PHOTO_ROWS = 2000;

/** One problem as a ledger row: display names, instants as epoch ms. */
export interface LedgerRow {
  id: number;
  category: string;
  description: string;
  address: string;
  community: string;
  grid: string;
  gridManager: string;
  unit: string;
  measure: string;
  reportedAt: number;
  deadline: number | null;
  status: string;
  closedAt: number | null;
  overdue: boolean;
  source: string;
  reporter: string;
  reporterPhone: string;
  lon: number;
  lat: number;
}

export type LedgerKind = 'text' | 'date' | 'number' | 'coordinate';

export interface LedgerColumn {
  header: string;
  /** Width in characters on the sheet. */
  width: number;
  kind: LedgerKind;
  value: (r: LedgerRow) => string | number | null;
}

export const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  { header: '问题编号', width: 10, kind: 'number', value: (r) => r.id },
  { header: '问题类型', width: 14, kind: 'text', value: (r) => r.category },
  { header: '问题描述', width: 36, kind: 'text', value: (r) => r.description },
  { header: '具体位置', width: 28, kind: 'text', value: (r) => r.address },
  { header: '所属村居', width: 12, kind: 'text', value: (r) => r.community },
  { header: '所属网格', width: 16, kind: 'text', value: (r) => r.grid },
  { header: '网格员', width: 10, kind: 'text', value: (r) => r.gridManager },
  { header: '责任单位', width: 20, kind: 'text', value: (r) => r.unit },
  { header: '整改措施', width: 28, kind: 'text', value: (r) => r.measure },
  { header: '发现时间', width: 18, kind: 'date', value: (r) => r.reportedAt },
  { header: '整改时限', width: 18, kind: 'date', value: (r) => r.deadline },
  { header: '整改情况', width: 10, kind: 'text', value: (r) => r.status },
  { header: '销号时间', width: 18, kind: 'date', value: (r) => r.closedAt },
  { header: '是否逾期', width: 9, kind: 'text', value: (r) => (r.overdue ? '是' : '否') },
  { header: '问题来源', width: 10, kind: 'text', value: (r) => r.source },
  { header: '举报人', width: 10, kind: 'text', value: (r) => r.reporter },
  { header: '举报人电话', width: 14, kind: 'text', value: (r) => r.reporterPhone },
  { header: '经度', width: 13, kind: 'coordinate', value: (r) => r.lon },
  { header: '纬度', width: 12, kind: 'coordinate', value: (r) => r.lat },
];

const statusName = new Map<string, string>(statuses.map((s) => [s.code, s.name]));
const sourceName = new Map<string, string>(sources.map((s) => [s.code, s.name]));

/**
 * A problem as a ledger row as of `now`. The reporter is masked (张**, 138****5678) unless
 * `reveal` (an admin's audited export).
 */
export function ledgerRow(p: ProblemRecord, town: TownData, now: number, reporter: ReporterRecord | undefined, reveal: boolean): LedgerRow {
  const grid = town.gridById.get(p.gridId);
  return {
    id: p.id,
    category: findCategory(p.category)?.name ?? p.category,
    description: p.description,
    address: p.address,
    community: town.communityById.get(p.communityId)?.name ?? '',
    grid: grid?.name ?? '',
    gridManager: grid?.manager ?? '',
    unit: p.unitId ? (town.unitById.get(p.unitId)?.name ?? '') : '',
    measure: p.measure ?? '',
    reportedAt: p.reportedAt,
    deadline: p.deadline,
    status: statusName.get(p.status) ?? p.status,
    closedAt: p.closedAt,
    overdue: isOverdue(p.status, p.deadline, now),
    source: sourceName.get(p.source) ?? p.source,
    reporter: reporter ? (reveal ? reporter.name : maskName(reporter.name)) : '',
    reporterPhone: reporter ? (reveal ? reporter.phone : maskPhone(reporter.phone)) : '',
    lon: p.lon,
    lat: p.lat,
  };
}
