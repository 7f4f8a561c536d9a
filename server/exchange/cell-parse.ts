import { computeDeadline, type HolidayCalendar, shanghaiDate, shanghaiMidnight } from '../domain/calendar.ts';
import type { Status } from '../domain/lifecycle.ts';

/**
 * Reading the cells of a 台账 as clerks fill them in WPS: dates in every way they are typed,
 * coordinates as decimals or 度分秒 (or both in one cell), 整改时限 as a date or a rule, 整改情况
 * in words. Each parser answers a value or a reason in Chinese for the dry-run report.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Excel's day 0 is 1899-12-30; its serials count days from there (1900 leap-year bug included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Shanghai wall-clock fields to epoch ms (UTC+8 all year), or NaN when the date does not exist. */
function wallClock(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return Number.NaN;
  return utc - 8 * HOUR;
}

const TIME = String.raw`(?:[\sT]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?`;
const FULL_DATE = [
  // 2025-03-05, 2025/3/5, 2025.3.5 (with an optional time)
  new RegExp(String.raw`^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*日?${TIME}$`),
  // 2025年3月5日
  new RegExp(String.raw`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?${TIME}$`),
  // 20250305
  new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})${TIME}$`),
];
// 3月5日, 3.5, 3/5 (the year from the sheet's title)
const SHORT_DATE = new RegExp(String.raw`^(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*[日号]?${TIME}$`);

/** A plausible date for a campaign's problems: from 2000 to 2100. */
const plausible = (ms: number) => ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1);

/**
 * A date cell: a Date from the sheet (its UTC fields are the wall clock Excel shows), an Excel
 * serial number, or text in the forms clerks type; `3月5日` takes `year` (from the sheet's title).
 */
export function parseDate(cell: unknown, year: number | null = null): Parsed<number> {
  if (cell instanceof Date) {
    const ms = cell.getTime() - 8 * HOUR;
    return Number.isNaN(ms) || !plausible(ms) ? fail('日期无效') : ok(ms);
  }
  if (typeof cell === 'number') {
    // an Excel serial: days since 1899-12-30, the fraction the time of day
    if (cell < 36_526 || cell > 73_051) return fail(`日期无效：${cell}（不是 2000–2099 年的 Excel 日期）`);
    return ok(Math.round(EXCEL_EPOCH_MS + cell * DAY) - 8 * HOUR);
  }
  // 9时5分30秒 → 9:5:30
  const text = String(cell ?? '')
    .trim()
    .replace(/(\d)\s*[时点]\s*(?=\d)/g, '$1:')
    .replace(/(\d)\s*分\s*(?=\d)/g, '$1:')
    .replace(/(\d)\s*[分秒]$/, '$1');
  if (!text) return fail('日期为空');
  for (const re of FULL_DATE) {
    const m = re.exec(text);
    if (m) {
      const ms = wallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
      return Number.isNaN(ms) || !plausible(ms) ? fail(`日期无效：${text}`) : ok(ms);
    }
  }
  const m = SHORT_DATE.exec(text);
  if (m) {
    if (year === null) return fail(`日期缺少年份：${text}（表头标题中也没有年份）`);
    const ms = wallClock(year, Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0), Number(m[5] ?? 0));
    return Number.isNaN(ms) ? fail(`日期无效：${text}`) : ok(ms);
  }
  return fail(`无法识别的日期：${text}`);
}

/** The year a sheet's title names (`2025年3月创文问题台账` → 2025), for dates written without one. */
export function titleYear(title: string): number | null {
  const m = /(20\d{2})\s*年/.exec(title) ?? /(20\d{2})[-./]\d{1,2}/.exec(title);
  return m ? Number(m[1]) : null;
}

// 120°21′30.5″, 120°21'30.5", 120度21分30.5秒, with E/W/N/S or 东经/北纬 around it
const DMS = /^(东经|北纬|西经|南纬)?\s*(\d{1,3})\s*[°度]\s*(?:(\d{1,2}(?:\.\d+)?)\s*['′’分]\s*)?(?:(\d{1,2}(?:\.\d+)?)\s*(?:["″”]|''|′′|秒)\s*)?([NSEW])?$/i;
const DECIMAL = /^(东经|北纬|西经|南纬)?\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[°度]?\s*([NSEW])?$/i;

/** One coordinate: a decimal number (text or number) or 度分秒. */
export function parseDegrees(cell: unknown): Parsed<number> {
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(cell) : fail('坐标不是数字');
  const text = String(cell ?? '')
    .trim()
    .replace(/\s+/g, ' ');
  if (!text) return fail('坐标为空');
  const sign = (prefix?: string, suffix?: string) => (/西|南/.test(prefix ?? '') || /[WS]/i.test(suffix ?? '') ? -1 : 1);
  const d = DECIMAL.exec(text);
  if (d) return ok(sign(d[1], d[3]) * Number(d[2]));
  const m = DMS.exec(text);
  if (m) {
    const minutes = Number(m[3] ?? 0);
    const seconds = Number(m[4] ?? 0);
    if (minutes >= 60 || seconds >= 60) return fail(`度分秒无效：${text}`);
    return ok(sign(m[1], m[5]) * (Number(m[2]) + minutes / 60 + seconds / 3600));
  }
  return fail(`无法识别的坐标：${text}`);
}

/** Whether a longitude and a latitude can be in China (so two numbers in one cell can be told apart). */
const inChina = (lon: number, lat: number) => lon >= 73 && lon <= 136 && lat >= 3 && lat <= 54;

/**
 * 经度 and 纬度 from their two cells, or from one cell holding both (`120.36,33.35`,
 * `33.35 120.36`, `120°21′30″E 33°21′0″N`): the pair that lies in China decides the order.
 */
export function parsePosition(lonCell: unknown, latCell: unknown, bothCell?: unknown): Parsed<[number, number]> {
  if (bothCell !== undefined && bothCell !== null && String(bothCell).trim() !== '') {
    const parts = String(bothCell)
      .trim()
      .split(/\s*[,，;；/|]\s*|\s+(?=[东北西南\d+-])/)
      .filter(Boolean);
    if (parts.length !== 2) return fail(`经纬度应为两个数，以逗号分隔：${bothCell}`);
    const [a, b] = parts.map(parseDegrees);
    if (!a.ok) return a;
    if (!b.ok) return b;
    if (inChina(a.value, b.value)) return ok([a.value, b.value]);
    if (inChina(b.value, a.value)) return ok([b.value, a.value]);
    return fail(`经纬度不在中国范围内：${bothCell}`);
  }
  const lon = parseDegrees(lonCell);
  if (!lon.ok) return fail(`经度：${lon.reason}`);
  const lat = parseDegrees(latCell);
  if (!lat.ok) return fail(`纬度：${lat.reason}`);
  if (inChina(lon.value, lat.value)) return ok([lon.value, lat.value]);
  if (inChina(lat.value, lon.value)) return ok([lat.value, lon.value]);
  return fail(`经纬度不在中国范围内：${lon.value}, ${lat.value}`);
}

/** 整改时限 written as a rule instead of a date. */
const DEADLINE_RULES: { pattern: RegExp; deadline: (reportedAt: number, calendar?: HolidayCalendar) => number | null; name: string }[] = [
  // 立行立改: by the end of the next working day
  {
    pattern: /^(立行立改|立即整改|即知即改|马上改|当日整改)$/,
    name: '立行立改',
    deadline: (at, cal) => computeDeadline(at, { unit: 'workdays', value: 1 }, cal),
  },
  // 长期坚持 / 常态化: no date (an ongoing duty)
  { pattern: /^(长期坚持|长期|常态化|持续整改|长效管理)$/, name: '长期坚持', deadline: () => null },
];

/**
 * 整改时限: a date, or a rule (立行立改 → the next working day; 长期坚持 → none; `3天`, `5个工作日`,
 * `24小时` counted from the report).
 */
export function parseDeadline(cell: unknown, reportedAt: number, year: number | null, calendar?: HolidayCalendar): Parsed<number | null> {
  const text = typeof cell === 'string' ? cell.trim() : '';
  if (cell === null || cell === undefined || (typeof cell === 'string' && text === '')) return ok(null);
  for (const rule of DEADLINE_RULES) if (rule.pattern.test(text)) return ok(rule.deadline(reportedAt, calendar));
  const span = /^(\d{1,3})\s*(个)?\s*(小时|天|日|个?工作日)(内)?$/.exec(text);
  if (span) {
    const n = Number(span[1]);
    if (span[3] === '小时') return ok(reportedAt + n * HOUR);
    if (span[3].endsWith('工作日')) return ok(computeDeadline(reportedAt, { unit: 'workdays', value: n }, calendar));
    return ok(reportedAt + n * DAY);
  }
  const date = parseDate(cell, year);
  if (!date.ok) return fail(`整改时限：${date.reason}`);
  // a date without a time of day (text without one, a cell at midnight) is due by the end of that day
  const midnight = shanghaiMidnight(shanghaiDate(date.value));
  const bare = typeof cell === 'string' ? !/\d[:：时点]/.test(text) : date.value === midnight;
  return ok(bare ? midnight + DAY - 1000 : date.value);
}

/** 整改情况 in the words clerks use, to a status; unknown words are an error naming them. */
const STATUS_WORDS: [RegExp, Status][] = [
  [/^(已整改|已完成|已销号|完成|已办结|办结|已解决|整改完成|已处理|是)$/, 'closed'],
  [/^(待核查|待验收|待复核|已提交|整改待核查)$/, 'awaiting_verification'],
  [/^(整改中|正在整改|处理中|推进中|部分整改)$/, 'in_progress'],
  [/^(未整改|待整改|未完成|未处理|否|待处理)$/, 'open'],
  [/^(已上报|新发现|待交办|待派遣)$/, 'reported'],
];

export function parseStatus(cell: unknown): Parsed<Status> {
  const text = String(cell ?? '')
    .trim()
    .replace(/\s+/g, '');
  if (!text) return fail('整改情况为空');
  for (const [re, status] of STATUS_WORDS) if (re.test(text)) return ok(status);
  return fail(`无法识别的整改情况：${text}`);
}
