import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AdminPage } from './admin/admin-page.tsx';
import { ApiError, api, type Session, SIGNED_OUT_EVENT } from './api/client.ts';
import { App } from './app.tsx';
import { LoginPage } from './auth/login-page.tsx';
import { PatrolPage } from './patrol/patrol-page.tsx';
import { TasksPage } from './tasks/tasks-page.tsx';
import { WallPage } from './wall/wall-page.tsx';

/** The presentation pages (decks, show, export) load when first opened: most sessions never need them. */
/** The import wizard (exceljs-free in the browser: the server reads the sheet) loads when opened. */
/** 现场检查 (inspectors' checklists) loads when opened. */
const InspectPage = lazy(() => import('./inspect/inspect-page.tsx').then((m) => ({ default: m.InspectPage })));
/** 重点项目推进表 (its own map) loads when opened. */
const ProjectsPage = lazy(() => import('./projects/projects-page.tsx').then((m) => ({ default: m.ProjectsPage })));
const ImportPage = lazy(() => import('./import/import-page.tsx').then((m) => ({ default: m.ImportPage })));
const PresentRoute = lazy(() => import('./present/present-route.tsx').then((m) => ({ default: m.PresentRoute })));

/** The current address without one query parameter. */
function withoutParam(location: Location, name: string): string {
  const q = new URLSearchParams(location.search);
  q.delete(name);
  const rest = q.toString();
  return `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`;
}

/** Roles whose work starts from their list (我的待办): the map's address without a view lands there. */
const TASKS_FIRST = new Set(['unit', 'grid_manager']);

/** The page to show for a path; a unit's or grid manager's bare `/` becomes `/tasks` (and says so in the address bar). */
function landingPage(session: Session, location: Location): string {
  if (location.pathname === '/' && !location.search && session.user && TASKS_FIRST.has(session.user.role)) {
    window.history.replaceState(null, '', '/tasks');
    return '/tasks';
  }
  return location.pathname;
}

/**
 * Decides what to show: a wall screen connects with the display token in its URL; without a
 * session the sign-in page; then the admin page at /admin, the wall display at /wall, else the map.
 */
export function Root() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const token = new URLSearchParams(window.location.search).get('display');
    (token ? api.connectDisplay(token) : api.session())
      .then((s) => {
        // The token now sits in the screen's cookie: it leaves the address bar (and the history).
        if (token) window.history.replaceState(null, '', withoutParam(window.location, 'display'));
        setSession(s.user || s.display ? s : null);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && token) setNotice(e.message);
        setSession(null);
      });
  }, []);

  useEffect(() => {
    // The server ended the session (30 idle minutes, or the account was disabled): back to sign-in.
    const ended = () => {
      setSession((s) => {
        if (s) setNotice('登录已过期，请重新登录');
        return null;
      });
    };
    window.addEventListener(SIGNED_OUT_EVENT, ended);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, ended);
  }, []);

  const signedIn = useCallback((s: Session) => {
    setNotice(null);
    if (window.location.pathname === '/login') window.history.replaceState(null, '', '/');
    setSession(s);
  }, []);
  const signedOut = useCallback((message?: string) => {
    setNotice(message ?? null);
    setSession(null);
  }, []);

  if (session === undefined) return <div className="loading">正在加载…</div>;
  if (session === null) return <LoginPage onSignedIn={signedIn} notice={notice} />;
  const page = landingPage(session, window.location);
  if (page === '/admin/import')
    return (
      <Suspense fallback={<div className="loading">正在加载…</div>}>
        <ImportPage session={session} onSignedOut={signedOut} />
      </Suspense>
    );
  if (page === '/inspect')
    return (
      <Suspense fallback={<div className="loading">正在加载…</div>}>
        <InspectPage session={session} onSignedOut={signedOut} />
      </Suspense>
    );
  if (page === '/projects')
    return (
      <Suspense fallback={<div className="loading">正在加载…</div>}>
        <ProjectsPage session={session} onSignedOut={signedOut} />
      </Suspense>
    );
  if (page === '/admin') return <AdminPage session={session} onSignedOut={signedOut} />;
  if (page === '/wall') return <WallPage session={session} />;
  if (page === '/tasks') return <TasksPage session={session} onSignedOut={signedOut} />;
  if (page === '/patrol') return <PatrolPage session={session} onSignedOut={signedOut} />;
  if (page === '/present' || page.startsWith('/present/'))
    return (
      <Suspense fallback={<div className="loading">正在加载…</div>}>
        <PresentRoute session={session} path={page} onSignedOut={signedOut} />
      </Suspense>
    );
  return <App session={session} onSignedOut={signedOut} />;
}
