import { useState } from 'react';
import { ApiError, api, ROLE_NAMES, type Session } from '../api/client.ts';

/** Who is signed in, with links to the admin page (admins) and the decks (admins, leaders), password change and sign-out. */
export function UserMenu({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const user = session.user;
  if (!user) {
    return <span className="user-menu display-badge">大屏：{session.display?.name}</span>;
  }
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    // What the service worker kept of the API (for the patrol page offline) goes with the session.
    navigator.serviceWorker?.controller?.postMessage('signed-out');
    onSignedOut();
  };
  return (
    <div className="user-menu">
      <button type="button" className="user-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {user.displayName === ROLE_NAMES[user.role] ? user.displayName : `${user.displayName} · ${ROLE_NAMES[user.role]}`}
      </button>
      {open && (
        <div className="user-dropdown">
          {user.role === 'admin' && <a href="/admin">账号与大屏管理</a>}
          {user.role === 'admin' && (
            <a href="/admin/import" data-import-link>
              导入台账
            </a>
          )}
          {(user.role === 'admin' || user.role === 'grid_manager') && (
            <a href="/inspect" data-inspect-link>
              现场检查（测评）
            </a>
          )}
          {user.role === 'leader' && (
            <a href="/inspect" data-inspect-link>
              测评轮次与报告
            </a>
          )}
          <a href="/projects" data-projects-link>
            重点项目推进表
          </a>
          {(user.role === 'admin' || user.role === 'leader') && (
            <a href="/present" data-present-link>
              演示文稿（动员会）
            </a>
          )}
          {user.role === 'admin' && window.location.pathname === '/admin' && <a href="/">返回地图</a>}
          <button type="button" onClick={() => setChanging(true)}>
            修改密码
          </button>
          <button type="button" data-logout onClick={signOut}>
            退出登录
          </button>
        </div>
      )}
      {changing && <PasswordDialog onClose={() => setChanging(false)} onChanged={() => onSignedOut('密码已修改，请用新密码重新登录')} />}
    </div>
  );
}

function PasswordDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    try {
      await api.changePassword(current, next);
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div className="dialog" role="dialog" aria-label="修改密码">
      <h2>修改密码</h2>
      <label>
        当前密码
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        新密码（至少 8 位，含大写、小写、数字、符号中的 3 类）
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      {error && <p className="form-error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          取消
        </button>
        <button type="button" className="primary" onClick={submit}>
          确定
        </button>
      </div>
    </div>
  );
}
