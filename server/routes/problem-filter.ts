import type { ProblemFilter } from '../analytics/filter.ts';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { shanghaiMidnight } from '../domain/calendar.ts';
import type { BBox } from '../domain/geometry.ts';
import { badRequest, RequestError } from '../errors.ts';

export interface ProblemFilterQuery {
  bbox?: string;
  category?: string;
  status?: string;
  source?: string;
  grid?: string;
  community?: string;
  unit?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
}

const DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseBBox(raw: string): BBox {
  const parts = raw.split(',');
  if (parts.length !== 4) throw badRequest('bbox', 'bbox 应为 4 个以逗号分隔的数字：最小经度,最小纬度,最大经度,最大纬度');
  const v = parts.map((p) => (/^\s*-?\d+(\.\d+)?\s*$/.test(p) ? Number(p) : Number.NaN));
  if (v.some((x) => !Number.isFinite(x))) throw badRequest('bbox', 'bbox 中有不是数字的值');
  const [minLon, minLat, maxLon, maxLat] = v;
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) throw badRequest('bbox', 'bbox 超出经纬度范围（经度 -180～180，纬度 -90～90）');
  if (minLon > maxLon || minLat > maxLat) throw badRequest('bbox', 'bbox 的最小值大于最大值（顺序应为 最小经度,最小纬度,最大经度,最大纬度）');
  return [minLon, minLat, maxLon, maxLat];
}

function parseCodes(raw: string, field: string, index: Map<string, number>, what: string): Set<number> {
  const out = new Set<number>();
  for (const code of raw.split(',')) {
    const i = index.get(code);
    if (i === undefined) throw badRequest(field, `未知的${what}：${code}`, 'unknown_value');
    out.add(i);
  }
  return out;
}

function parseId(raw: string, field: string, index: Map<string, number>, what: string): number {
  const i = index.get(raw);
  if (i === undefined) throw badRequest(field, `未知的${what}：${raw}`, 'unknown_value');
  return i;
}

/** A date or instant; a bare date means that day in Asia/Shanghai, to its end when `endOfDay`. */
export function parseInstant(raw: string, field: string, endOfDay: boolean): number {
  const d = DATE.exec(raw);
  if (d) {
    const ms = shanghaiMidnight(raw);
    const check = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
    if (Number.isNaN(ms) || check.getUTCMonth() !== Number(d[2]) - 1 || check.getUTCDate() !== Number(d[3])) {
      throw badRequest(field, `${field} 不是有效日期：${raw}`);
    }
    return endOfDay ? ms + DAY : ms;
  }
  if (INSTANT.test(raw)) {
    const ms = Date.parse(raw);
    if (!Number.isNaN(ms)) return endOfDay ? ms + 1 : ms;
  }
  throw badRequest(field, `${field} 应为日期 YYYY-MM-DD 或带时区的时间 YYYY-MM-DDTHH:mm:ss+08:00`);
}

/**
 * Validates the filter parameters against the catalogue and the town, naming the field at fault.
 * `scopeUnit` (a 责任单位 caller) restricts the answer to that unit's problems; asking for
 * another unit is refused.
 */
export function parseProblemFilter(q: ProblemFilterQuery, table: ProblemTable, scopeUnit: string | null = null): ProblemFilter {
  const f: ProblemFilter = {};
  if (q.bbox !== undefined) f.bbox = parseBBox(q.bbox);
  if (q.category !== undefined) f.categories = parseCodes(q.category, 'category', table.categoryIndex, '问题类型');
  if (q.status !== undefined) f.statuses = parseCodes(q.status, 'status', table.statusIndex, '状态');
  if (q.source !== undefined) f.sources = parseCodes(q.source, 'source', table.sourceIndex, '来源');
  if (q.grid !== undefined) f.grids = new Set(q.grid.split(',').map((id) => parseId(id, 'grid', table.gridIndex, '网格')));
  if (q.community !== undefined) f.community = parseId(q.community, 'community', table.communityIndex, '村居');
  if (q.unit !== undefined) f.unit = parseId(q.unit, 'unit', table.unitIndex, '责任单位');
  if (q.from !== undefined) f.from = parseInstant(q.from, 'from', false);
  if (q.to !== undefined) f.to = parseInstant(q.to, 'to', true);
  if (f.from !== undefined && f.to !== undefined && f.to <= f.from) throw badRequest('to', 'to 不能早于 from');
  if (q.overdue !== undefined) f.overdue = q.overdue;
  if (scopeUnit !== null) {
    if (q.unit !== undefined && q.unit !== scopeUnit) throw new RequestError(403, 'forbidden', 'unit', '责任单位账号只能查看本单位的问题');
    const own = table.unitIndex.get(scopeUnit);
    if (own === undefined) throw new RequestError(403, 'no_unit', 'unit', '该账号的责任单位不在本镇数据中，请联系创文办');
    f.unit = own;
  }
  return f;
}
