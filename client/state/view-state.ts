/** What the page shows, held in the URL so that a link reproduces the view. */
export interface ViewState {
  mode: 'heat' | 'rate';
  /** Selected category codes; empty = all. */
  categories: string[];
  /** The grid whose panel is open. */
  grid: string | null;
}

export const DEFAULT_VIEW: ViewState = { mode: 'heat', categories: [], grid: null };

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
  return { mode, categories, grid: grid && CODE.test(grid) ? grid : null };
}

/** The query string of a view (without defaults), for the address bar. */
export function viewStateSearch(v: ViewState): string {
  const q = new URLSearchParams();
  if (v.mode !== 'heat') q.set('mode', v.mode);
  if (v.categories.length > 0) q.set('cat', v.categories.join(','));
  if (v.grid) q.set('grid', v.grid);
  const s = q.toString().replaceAll('%2C', ',');
  return s ? `?${s}` : '';
}

/** The API filter query for a view. */
export function apiFilterQuery(v: ViewState): string {
  return v.categories.length > 0 ? `?category=${v.categories.join(',')}` : '';
}

/** A view with one category switched on or off. */
export function toggleCategory(v: ViewState, code: string): ViewState {
  const categories = v.categories.includes(code) ? v.categories.filter((c) => c !== code) : [...v.categories, code];
  return { ...v, categories };
}
