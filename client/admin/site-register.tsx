import { useEffect, useState } from 'react';
import { siteKinds } from '../../server/domain/catalogue.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, api, call } from '../api/client.ts';

type Site = Answer<'GET /api/sites/register'>['sites'][number];
type Unit = Awaited<ReturnType<typeof api.units>>[number];
interface Draft {
  name: string;
  kind: string;
  unitId: string;
  lon: string;
  lat: string;
}

const EMPTY: Draft = { name: '', kind: siteKinds[0], unitId: '', lon: '', lat: '' };
const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/**
 * 重点点位登记 (admins): the key sites by village — type (its checklist), place, grid and owner unit
 * (责任单位, to whom its failed items go). Add one, change one (its checks stay), delete one that
 * nothing refers to yet. The village and grid follow from the coordinates (WGS 84).
 */
export function SiteRegister() {
  const [sites, setSites] = useState<Site[] | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [village, setVillage] = useState('');
  const [editing, setEditing] = useState<Site | 'new' | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `revision` asks for the reload
  useEffect(() => {
    call('GET /api/sites/register')
      .then((r) => setSites(r.sites))
      .catch((e: unknown) => setError(reason(e)));
  }, [revision]);
  useEffect(() => {
    api
      .units()
      .then(setUnits)
      .catch(() => undefined);
  }, []);

  const open = (s: Site | 'new') => {
    setError(null);
    setEditing(s);
    setDraft(s === 'new' ? EMPTY : { name: s.name, kind: s.kind, unitId: s.unitId ?? '', lon: String(s.lon), lat: String(s.lat) });
  };
  const save = async () => {
    setError(null);
    const body = {
      name: draft.name,
      kind: draft.kind as (typeof siteKinds)[number],
      unitId: draft.unitId === '' ? null : draft.unitId,
      lon: Number(draft.lon),
      lat: Number(draft.lat),
    };
    try {
      if (editing === 'new') await call('POST /api/sites', { body });
      else if (editing) await call('PATCH /api/sites/:id', { params: { id: editing.id }, body });
      setEditing(null);
      setRevision((r) => r + 1);
    } catch (e) {
      setError(reason(e));
    }
  };
  const remove = async (s: Site) => {
    if (!window.confirm(`删除重点点位「${s.name}」？`)) return;
    setError(null);
    try {
      await call('DELETE /api/sites/:id', { params: { id: s.id } });
      setRevision((r) => r + 1);
    } catch (e) {
      setError(reason(e));
    }
  };

  const villages = [...new Map((sites ?? []).map((s) => [s.communityId, s.communityName])).entries()];
  const shown = (sites ?? []).filter((s) => village === '' || s.communityId === village);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  return (
    <div className="site-register" data-site-register>
      <div className="inline-form">
        <select aria-label="村居" value={village} onChange={(e) => setVillage(e.target.value)}>
          <option value="">全部村居（{sites?.length ?? 0} 个点位）</option>
          {villages.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <button type="button" className="primary" onClick={() => open('new')} data-new-site>
          新增点位
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <form
          className="site-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h3>{editing === 'new' ? '新增重点点位' : `修改「${editing.name}」`}</h3>
          <label>
            名称
            <input className="site-field" name="name" required maxLength={40} value={draft.name} onChange={(e) => set({ name: e.target.value })} />
          </label>
          <label>
            类型（决定检查表）
            <select className="site-field" name="kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value })}>
              {siteKinds.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            责任单位
            <select className="site-field" name="unitId" value={draft.unitId} onChange={(e) => set({ unitId: e.target.value })}>
              <option value="">（无）</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            经度
            <input
              className="site-field"
              name="lon"
              required
              inputMode="decimal"
              value={draft.lon}
              onChange={(e) => set({ lon: e.target.value })}
              placeholder="120.3707"
            />
          </label>
          <label>
            纬度
            <input
              className="site-field"
              name="lat"
              required
              inputMode="decimal"
              value={draft.lat}
              onChange={(e) => set({ lat: e.target.value })}
              placeholder="33.3493"
            />
          </label>
          <div className="site-form-actions">
            <button type="submit" className="primary">
              保存
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              取消
            </button>
          </div>
        </form>
      )}
      <table className="admin-table" data-table="sites">
        <thead>
          <tr>
            <th>名称</th>
            <th>类型</th>
            <th>村居 · 网格</th>
            <th>责任单位</th>
            <th>坐标</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => (
            <tr key={s.id} data-site-row={s.id}>
              <td>{s.name}</td>
              <td>{s.kind}</td>
              <td>
                {s.communityName} · {s.gridName}
              </td>
              <td>{s.unitName ?? '—'}</td>
              <td>
                {s.lon.toFixed(5)}, {s.lat.toFixed(5)}
              </td>
              <td className="actions">
                <button type="button" onClick={() => open(s)}>
                  修改
                </button>
                <button type="button" onClick={() => void remove(s)}>
                  删除
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
