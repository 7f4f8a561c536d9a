import { type FormEvent, useState } from 'react';
import { ApiError, api, type Session } from '../api/client.ts';

/** The sign-in page: username and password; the server's reason is shown under the field it names. */
export function LoginPage({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError({ field: username.trim() ? 'password' : 'username', message: username.trim() ? '请输入密码' : '请输入用户名' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(username.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError ? { field: err.field, message: err.message } : { field: null, message: '无法连接服务器，请稍后重试' });
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-box" onSubmit={submit} noValidate>
        <h1>创文一张图</h1>
        <p className="login-sub">创建全国文明城市 · 问题整改指挥平台</p>
        {notice && <p className="login-notice">{notice}</p>}
        <label>
          用户名
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={error?.field === 'username'}
          />
        </label>
        <label>
          密码
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error?.field === 'password'}
          />
        </label>
        {error && (
          <p className="login-error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? '正在登录…' : '登录'}
        </button>
        <p className="login-hint">首次启动的初始密码见服务器数据目录中的 initial-passwords.txt</p>
      </form>
    </main>
  );
}
