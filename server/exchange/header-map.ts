import { titleYear } from './cell-parse.ts';

/**
 * Finding the columns of a 台账: the header row below the title rows (a merged title, 填报单位,
 * 日期 lines), each column named by one of the words clerks use for it.
 */

/** The fields an import reads, each with the header words that name it, most usual first. */
export const FIELD_WORDS = {
  category: ['问题类型', '问题类别', '问题分类', '类别', '类型', '问题种类'],
  description: ['问题描述', '问题内容', '存在问题', '具体问题', '问题情况', '描述', '问题', 'description'],
  address: ['具体位置', '问题位置', '位置', '地址', '详细地址', '地点', '问题地址'],
  lon: ['经度', '东经', 'lon', 'lng', 'longitude'],
  lat: ['纬度', '北纬', 'lat', 'latitude'],
  position: ['经纬度', '坐标', '位置坐标', 'gps'],
  reportedAt: ['发现时间', '上报时间', '发现日期', '检查时间', '检查日期', '交办时间', '日期', '时间'],
  deadline: ['整改时限', '完成时限', '整改期限', '时限', '整改时间要求'],
  status: ['整改情况', '整改状态', '完成情况', '办理情况', '状态', '是否整改'],
  unit: ['责任单位', '责任部门', '整改单位', '责任主体', '牵头单位'],
  measure: ['整改措施', '处置措施', '整改要求', '措施'],
  closedAt: ['销号时间', '完成时间', '整改完成时间', '办结时间'],
  source: ['问题来源', '来源', '发现方式'],
  community: ['所属村居', '村居', '村（居）', '村(居)', '社区', '所属社区', '村'],
} as const;

export type Field = keyof typeof FIELD_WORDS;

/** A header cell's words, without spaces, line breaks, asterisks (required marks) and brackets' contents such as （必填）. */
export function headerKey(cell: unknown): string {
  return String(cell ?? '')
    .replace(/[（(][^）)]*[）)]/g, (m) => (/村|居/.test(m) ? m : ''))
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/** The field a header names (exactly one of its words), or null. */
export function fieldOf(cell: unknown): Field | null {
  const key = headerKey(cell);
  if (!key) return null;
  for (const [field, words] of Object.entries(FIELD_WORDS) as [Field, readonly string[]][]) if (words.includes(key)) return field;
  return null;
}

export interface HeaderFound {
  /** 0-based index of the header row. */
  row: number;
  /** Each field's column (0-based). */
  columns: Partial<Record<Field, number>>;
  /** Header cells no field claims, by column: kept in the report, not imported. */
  unknown: { column: number; header: string }[];
  /** The rows above the header joined (the title, 填报单位, 日期 lines). */
  title: string;
  /** The year the title names, for dates written without one (3月5日). */
  year: number | null;
}

/** How many rows from the top the header may be. */
const HEADER_SEARCH_ROWS = 30;

/**
 * Finds the header row among the first rows: the one naming the most fields (at least two, one of
 * them a position or a description). Answers null when no row looks like a header.
 */
export function findHeader(rows: readonly (readonly unknown[])[]): HeaderFound | null {
  let best: HeaderFound | null = null;
  let bestCount = 1;
  for (let r = 0; r < Math.min(rows.length, HEADER_SEARCH_ROWS); r++) {
    const columns: Partial<Record<Field, number>> = {};
    const unknown: { column: number; header: string }[] = [];
    rows[r].forEach((cell, c) => {
      const f = fieldOf(cell);
      if (f && columns[f] === undefined) columns[f] = c;
      else if (headerKey(cell)) unknown.push({ column: c, header: String(cell).trim() });
    });
    const count = Object.keys(columns).length;
    const usable = columns.description !== undefined || columns.lon !== undefined || columns.position !== undefined || columns.address !== undefined;
    if (count > bestCount && usable) {
      bestCount = count;
      const title = rows
        .slice(0, r)
        .map((row) =>
          row
            .map((c) => String(c ?? '').trim())
            .filter(Boolean)
            .join(' '),
        )
        .filter(Boolean)
        .join('\n');
      best = { row: r, columns, unknown, title, year: titleYear(title) };
    }
  }
  return best;
}
