import type { Answer } from '../../server/schemas/api.ts';

type NameUse = Answer<'POST /api/imports/dry-run'>['categories'][number];

/**
 * The words a sheet uses for categories or units and what each maps to: those needing the clerk
 * (a proposal to confirm, nothing found) first, each with a select; the ones matched exactly folded.
 */
export function NameMap(p: {
  kind: 'categories' | 'units';
  what: string;
  uses: NameUse[];
  options: { id: string; name: string }[];
  none: string;
  onChoose: (text: string, code: string | null) => void;
}) {
  const row = (u: NameUse) => (
    <tr key={u.text} data-needs={!u.exact}>
      <td>{u.text}</td>
      <td>{u.rows}</td>
      <td>
        <select aria-label={`${u.text} 对应的${p.what}`} value={u.exact ? (u.code ?? '') : ''} onChange={(e) => p.onChoose(u.text, e.target.value || null)}>
          <option value="">{u.code && !u.exact ? `请确认（可能是：${u.name}）` : p.none}</option>
          {p.options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {u.code && !u.exact && (
          <button type="button" onClick={() => p.onChoose(u.text, u.code)}>
            采用建议
          </button>
        )}
      </td>
    </tr>
  );
  const head = (
    <thead>
      <tr>
        <th>表中的{p.what}</th>
        <th>行数</th>
        <th>对应到</th>
      </tr>
    </thead>
  );
  const open = p.uses.filter((u) => !u.exact || u.chosen);
  const matched = p.uses.filter((u) => u.exact && !u.chosen);
  return (
    <div className="import-map" data-map={p.kind}>
      {open.length > 0 && (
        <table className="admin-table">
          {head}
          <tbody>{open.map(row)}</tbody>
        </table>
      )}
      {matched.length > 0 && (
        <details>
          <summary>
            另有 {matched.length} 个{p.what}已自动对应（{matched.reduce((n, u) => n + u.rows, 0)} 行），点开查看或修改
          </summary>
          <table className="admin-table">
            {head}
            <tbody>{matched.map(row)}</tbody>
          </table>
        </details>
      )}
    </div>
  );
}
