import { shanghaiDate, startOfShanghaiMonth } from '../../server/domain/calendar.ts';

/** Period presets: 近7天, 近30天, 本月, 本季度, 全部. */
export const PERIODS = [
  { code: '7d', name: '近7天' },
  { code: '30d', name: '近30天' },
  { code: 'month', name: '本月' },
  { code: 'quarter', name: '本季度' },
  { code: 'all', name: '全部' },
] as const;

export type Period = (typeof PERIODS)[number]['code'];

/** What the page shows, held in the URL so that a link reproduces the view. */
export interface ViewState {
  mode: 'heat' | 'rate';
  period: Period;
  /** Selected category codes; empty = all. */
  categories: string[];
  /** The grid whose panel is open. */
  grid: string | null;
}

export const DEFAULT_VIEW: ViewState = { mode: 'heat', period: 'all', categories: [], grid: null };

const CODE = /^[a-z0-9_-]{1,64}$/;

/** Reads a view from a query string, keeping only well-formed values (a bad link shows the default). */
export function parseViewState(search: string, knownCategories: readonly string[]): ViewState {
  const q = new URLSearchParams(search);
  const mode = q.get('mode') === 'rate' ? 'rate' : 'heat';
  const categories = (q.get('cat') ?? '')
    .split(',')
    .filter((c) => knownCategories.includes(c))
    .filter((c, i, all) => all.indexOf(c) === i);
  const grid = q.get('grid');
  const period = PERIODS.find((p) => p.code === q.get('period'))?.code ?? 'all';
  return { mode, period, categories, grid: grid && CODE.test(grid) ? grid : null };
}

/** The query string of a view (without defaults), for the address bar. */
export function viewStateSearch(v: ViewState): string {
  const q = new URLSearchParams();
  if (v.mode !== 'heat') q.set('mode', v.mode);
  if (v.period !== 'all') q.set('period', v.period);
  if (v.categories.length > 0) q.set('cat', v.categories.join(','));
  if (v.grid) q.set('grid', v.grid);
  const s = q.toString().replaceAll('%2C', ',');
  return s ? `?${s}` : '';
}

const DAY = 86_400_000;

/** The first day (YYYY-MM-DD, Asia/Shanghai) of a period preset as of `now`; null for 全部. */
export function periodStart(period: Period, now: number): string | null {
  switch (period) {
    case '7d':
      return shanghaiDate(now - 6 * DAY);
    case '30d':
      return shanghaiDate(now - 29 * DAY);
    case 'month':
      return shanghaiDate(startOfShanghaiMonth(now));
    case 'quarter': {
      const [y, m] = shanghaiDate(now).split('-').map(Number);
      return `${y}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
    }
    default:
      return null;
  }
}

/** The API filter query for a view, periods taken as of `now` (the server's clock). */
export function apiFilterQuery(v: ViewState, now: number): string {
  const q: string[] = [];
  const from = periodStart(v.period, now);
  if (from) q.push(`from=${from}`);
  if (v.categories.length > 0) q.push(`category=${v.categories.join(',')}`);
  return q.length > 0 ? `?${q.join('&')}` : '';
}

/** A view with one category switched on or off. */
export function toggleCategory(v: ViewState, code: string): ViewState {
  const categories = v.categories.includes(code) ? v.categories.filter((c) => c !== code) : [...v.categories, code];
  return { ...v, categories };
}
