import { useCallback, useEffect, useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, api, call, ROLE_NAMES, type Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { minuteText } from '../format.ts';
import { SiteRegister } from './site-register.tsx';
import { type AdminUser, type Option, UserForm } from './user-form.tsx';
import { WallSettings } from './wall-settings.tsx';

type DisplayToken = Answer<'GET /api/display-tokens'>['tokens'][number];

const time = (iso: string | null) => minuteText(iso);
/** Up to three grid names, then how many more. */
const gridList = (names: string[]) => (names.length <= 3 ? names.join('、') : `${names.slice(0, 3).join('、')} 等 ${names.length} 个网格`);
const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** A secret shown once (a new password, a wall URL), with the advice to hand it over now. */
function Secret({ label, value, onClose }: { label: string; value: string; onClose: () => void }) {
  return (
    <div className="secret" role="status">
      <span>{label}</span>
      <code data-secret>{value}</code>
      <span className="muted">只显示这一次，请立即转交本人</span>
      <button type="button" onClick={onClose}>
        知道了
      </button>
    </div>
  );
}

/** 创文办's page: accounts (create, change role and assignment, disable, reset password) and wall display tokens. */
export function AdminPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [tokens, setTokens] = useState<DisplayToken[]>([]);
  const [grids, setGrids] = useState<Option[]>([]);
  const [units, setUnits] = useState<Option[]>([]);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [tokenName, setTokenName] = useState('');

  const reload = useCallback(async () => {
    try {
      const [u, t] = await Promise.all([call('GET /api/users'), call('GET /api/display-tokens')]);
      setUsers(u.users);
      setTokens(t.tokens);
    } catch (e) {
      setError(reason(e));
    }
  }, []);

  useEffect(() => {
    if (session.user?.role !== 'admin') return;
    void reload();
    Promise.all([api.grids(), api.units()])
      .then(([g, u]) => {
        setGrids(g.features.map((f) => ({ id: String(f.properties?.id), name: String(f.properties?.name) })));
        setUnits(u);
      })
      .catch((e: unknown) => setError(reason(e)));
  }, [session, reload]);

  if (session.user?.role !== 'admin') {
    return (
      <div className="message">
        只有创文办管理员可以管理账号。<a href="/">返回地图</a>
      </div>
    );
  }
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
      await reload();
    } catch (e) {
      setError(reason(e));
    }
  };

  return (
    <div className="admin">
      <header className="title">
        <h1>账号与大屏管理</h1>
        <a className="back" href="/">
          返回地图
        </a>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {secret && <Secret label={secret.label} value={secret.value} onClose={() => setSecret(null)} />}
      <section>
        <h2>
          账号
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            新建账号
          </button>
        </h2>
        <table className="admin-table" data-table="users">
          <thead>
            <tr>
              <th>用户名</th>
              <th>姓名</th>
              <th>角色</th>
              <th>负责范围</th>
              <th>状态</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>{ROLE_NAMES[u.role]}</td>
                <td>
                  {u.role === 'grid_manager'
                    ? gridList(u.gridIds.map((g) => grids.find((x) => x.id === g)?.name ?? g))
                    : u.role === 'unit'
                      ? (units.find((x) => x.id === u.unitId)?.name ?? u.unitId)
                      : '全镇'}
                </td>
                <td>{u.disabled ? '已停用' : u.lockedUntil ? `锁定至 ${time(u.lockedUntil).slice(11)}` : '正常'}</td>
                <td className="actions">
                  <button type="button" onClick={() => setEditing(u)}>
                    编辑
                  </button>
                  {u.lockedUntil && (
                    <button
                      type="button"
                      data-unlock={u.username}
                      onClick={() => act(async () => void (await call('POST /api/users/:id/unlock', { params: { id: u.id } })))}
                    >
                      解锁
                    </button>
                  )}
                  <button
                    type="button"
                    onClick={() =>
                      act(async () => {
                        const r = await call('POST /api/users/:id/password', { params: { id: u.id } });
                        setSecret({ label: `${u.username} 的新密码`, value: r.password });
                      })
                    }
                  >
                    重置密码
                  </button>
                  {u.id !== session.user?.id && (
                    <button
                      type="button"
                      onClick={() => act(async () => void (await call('PATCH /api/users/:id', { params: { id: u.id }, body: { disabled: !u.disabled } })))}
                    >
                      {u.disabled ? '启用' : '停用'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {editing && (
        <UserForm
          user={editing === 'new' ? null : editing}
          grids={grids}
          units={units}
          onCancel={() => setEditing(null)}
          onSave={(body) =>
            act(async () => {
              if (editing === 'new') {
                const r = await call('POST /api/users', { body });
                setSecret({ label: `${r.user.username} 的初始密码`, value: r.password });
              } else {
                const { username: _u, ...patch } = body;
                await call('PATCH /api/users/:id', { params: { id: editing.id }, body: patch });
              }
              setEditing(null);
            })
          }
        />
      )}
      <section data-section="sites">
        <h2>重点点位</h2>
        <p className="muted">测评检查的对象：类型决定检查表，责任单位接收不合格项生成的问题；村居、网格由坐标确定。</p>
        <SiteRegister />
      </section>
      <section data-section="wall-settings">
        <h2>大屏设置</h2>
        <p className="muted">指挥大屏的标题、轮播场景与整改率颜色阈值；保存后运行中的大屏随即应用，无需到现场刷新。</p>
        <WallSettings />
      </section>
      <section>
        <h2>大屏令牌</h2>
        <p className="muted">大屏设备用令牌接入，只能读取汇总数据，不会超时退出；设备丢失时请立即吊销。</p>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const r = await call('POST /api/display-tokens', { body: { name: tokenName } });
              setSecret({ label: `${tokenName} 的大屏地址`, value: `${window.location.origin}${r.url}` });
              setTokenName('');
            });
          }}
        >
          <input
            aria-label="设备名称"
            placeholder="设备名称，如 指挥中心大屏"
            value={tokenName}
            maxLength={64}
            onChange={(e) => setTokenName(e.target.value)}
          />
          <button type="submit" className="primary">
            签发令牌
          </button>
        </form>
        <table className="admin-table" data-table="tokens">
          <thead>
            <tr>
              <th>设备</th>
              <th>签发时间</th>
              <th>状态</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{time(t.createdAt)}</td>
                <td>{t.revokedAt ? `已吊销 ${time(t.revokedAt)}` : '有效'}</td>
                <td>
                  {!t.revokedAt && (
                    <button type="button" onClick={() => act(async () => void (await call('DELETE /api/display-tokens/:id', { params: { id: t.id } })))}>
                      吊销
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
