import { useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ROLE_NAMES, type User } from '../api/client.ts';

export type AdminUser = Answer<'GET /api/users'>['users'][number];

/** A grid or unit to choose. */
export interface Option {
  id: string;
  name: string;
}

const ROLES = Object.keys(ROLE_NAMES) as User['role'][];

export interface UserBody {
  username: string;
  displayName: string;
  role: User['role'];
  unitId?: string | null;
  gridIds?: string[];
}

/** The form that creates an account or changes one (name, role, and the grids or unit the role needs). */
export function UserForm(p: { user: AdminUser | null; grids: Option[]; units: Option[]; onCancel: () => void; onSave: (body: UserBody) => void }) {
  const [username, setUsername] = useState(p.user?.username ?? '');
  const [displayName, setDisplayName] = useState(p.user?.displayName ?? '');
  const [role, setRole] = useState<User['role']>(p.user?.role ?? 'grid_manager');
  const [gridIds, setGridIds] = useState<string[]>(p.user?.gridIds ?? []);
  const [unitId, setUnitId] = useState<string>(p.user?.unitId ?? '');
  const save = () =>
    p.onSave({
      username,
      displayName,
      role,
      ...(role === 'grid_manager' ? { gridIds } : {}),
      ...(role === 'unit' ? { unitId: unitId || null } : {}),
    });
  return (
    <div className="dialog user-form" role="dialog" aria-label={p.user ? '编辑账号' : '新建账号'}>
      <h2>{p.user ? `编辑账号 ${p.user.username}` : '新建账号（初始密码自动生成）'}</h2>
      {!p.user && (
        <label>
          用户名（小写字母、数字）
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
      )}
      <label>
        姓名
        <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        角色
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      {role === 'grid_manager' && (
        <label>
          负责网格（按住 Ctrl 多选）
          <select name="gridIds" multiple size={8} value={gridIds} onChange={(e) => setGridIds([...e.target.selectedOptions].map((o) => o.value))}>
            {p.grids.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {role === 'unit' && (
        <label>
          责任单位
          <select name="unitId" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="">请选择</option>
            {p.units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={p.onCancel}>
          取消
        </button>
        <button type="button" className="primary" onClick={save}>
          保存
        </button>
      </div>
    </div>
  );
}
