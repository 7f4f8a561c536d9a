import type { Meta } from '../api/client.ts';

/** Category chips with their colours; none selected means all. */
export function CategoryFilter({ categories, selected, onToggle }: { categories: Meta['categories']; selected: string[]; onToggle: (code: string) => void }) {
  return (
    <section className="category-filter" aria-label="问题类型">
      <h3>问题类型{selected.length === 0 ? '（全部）' : `（${selected.length} 类）`}</h3>
      {categories.map((c) => (
        <button key={c.code} type="button" className="chip" aria-pressed={selected.includes(c.code)} data-category={c.code} onClick={() => onToggle(c.code)}>
          <span className="swatch" style={{ background: c.color }} />
          {c.name}
        </button>
      ))}
    </section>
  );
}
