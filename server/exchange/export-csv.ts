import { toShanghaiIso } from '../domain/calendar.ts';
import { LEDGER_COLUMNS, type LedgerRow } from './ledger.ts';

/** UTF-8's byte-order mark: Excel and WPS read a CSV with it as UTF-8 (without it, as the system's GBK). */
export const BOM = '\uFEFF';

/**
 * One CSV cell. A text beginning with `= + - @`, a tab or a carriage return would be taken by a
 * spreadsheet as a formula (CSV injection): it gets a leading apostrophe, which shows it as text.
 * Quotes, commas and line breaks are quoted as RFC 4180 says.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** `2026-10-05 14:30`: Shanghai's wall clock, as a clerk types a time. */
function csvTime(ms: number): string {
  return toShanghaiIso(ms).slice(0, 16).replace('T', ' ');
}

/** The 台账 as CSV lines (with a BOM first), CRLF-ended as Excel writes them. */
export function* ledgerCsv(rows: Iterable<LedgerRow>): Generator<string> {
  yield `${BOM}${LEDGER_COLUMNS.map((c) => csvCell(c.header)).join(',')}\r\n`;
  for (const r of rows) {
    yield `${LEDGER_COLUMNS.map((c) => {
      const v = c.value(r);
      return c.kind === 'date' && typeof v === 'number' ? csvTime(v) : csvCell(v);
    }).join(',')}\r\n`;
  }
}
