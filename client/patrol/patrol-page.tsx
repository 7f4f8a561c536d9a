import type { FeatureCollection } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, api, type Coverage, call, type Session, type Tasks } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { useTown } from '../state/use-town.ts';
import { km } from './distance-text.ts';
import { keepForOffline, registerPatrolWorker } from './offline.ts';
import { PatrolMap } from './patrol-map.tsx';
import { PatrolBar, PatrolReport } from './patrol-run.tsx';
import { mapPicture, PatrolSheet } from './patrol-sheet.tsx';
import { PatrolStops } from './patrol-stops.tsx';
import { openOutbox, usePatrolRecord } from './use-patrol-record.ts';

type Plan = Answer<'POST /api/patrols/plan'>;
type Mode = 'walk' | 'ebike';

const BUDGETS = [60, 120, 180] as const;
const MODES: { code: Mode; name: string }[] = [
  { code: 'walk', name: '步行' },
  { code: 'ebike', name: '电动车' },
];

const today = () => toShanghaiIso(Date.now()).slice(0, 10);
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** 我的网格 at a glance: what waits in them, from 我的待办 and the grids' summary. */
interface Glance {
  open: number;
  overdue: number;
  dueSoon: number;
  verify: number;
  sites: number;
}

/**
 * 巡查 (/patrol), for a grid manager on a phone: my grids at a glance, today's plan (time, walking
 * or e-bike, from where I stand), the route on the map and the stops in order, each with 导航 to
 * 高德 / 百度 / Apple Maps; a stop can be kept (锁定) or left out (去掉), and the plan is made again.
 */
export function PatrolPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const user = session.user;
  const gridIds = useMemo(() => (user?.role === 'grid_manager' ? user.gridIds : []), [user]);
  const { town, error: townError } = useTown(user);
  const [glance, setGlance] = useState<Glance | null>(null);
  const [budget, setBudget] = useState<number>(120);
  const [mode, setMode] = useState<Mode>('walk');
  const [start, setStart] = useState<{ lon: number; lat: number; accuracy: number } | null>(null);
  const [locating, setLocating] = useState(false);
  const [lock, setLock] = useState<number[]>([]);
  const [drop, setDrop] = useState<number[]>([]);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const record = usePatrolRecord();
  const [reporting, setReporting] = useState(false);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const onMap = useCallback((m: maplibregl.Map) => {
    mapRef.current = m;
  }, []);
  const [mapImage, setMapImage] = useState<string | null>(null);
  const print = () => {
    setMapImage(mapRef.current && plan ? mapPicture(mapRef.current, plan) : null);
    // After the picture is in the sheet.
    setTimeout(() => window.print(), 200);
  };

  useEffect(() => {
    if (gridIds.length === 0) return;
    Promise.all([api.tasks(500), api.summary(`?grid=${gridIds.join(',')}`), api.coverage(7)])
      .then(([tasks, summary, coverage]: [Tasks, Answer<'GET /api/stats/summary'>, Coverage]) =>
        setGlance({
          open: summary.total - summary.closed,
          overdue: tasks.overdue,
          dueSoon: tasks.dueSoon,
          verify: tasks.tasks.filter((t) => t.reason === 'verify').length,
          sites: coverage.sites.filter((x) => gridIds.includes(x.gridId) && !x.visited).length,
        }),
      )
      .then(keepForOffline)
      .catch((e: unknown) => setError(reason(e)));
  }, [gridIds]);

  const makePlan = useCallback(
    (next: { lock?: number[]; drop?: number[] } = {}) => {
      setPlanning(true);
      setError(null);
      call('POST /api/patrols/plan', {
        body: {
          budgetMinutes: budget,
          mode,
          ...(start ? { start: { lon: start.lon, lat: start.lat } } : {}),
          lock: next.lock ?? lock,
          drop: next.drop ?? drop,
        },
      })
        .then((p) => {
          setPlan(p);
          setSelected(null);
          // Kept on the phone: today's plan shows again after a reload, with or without network.
          void openOutbox().then((box) => box.save('plan', { date: today(), plan: p }));
        })
        .catch((e: unknown) => setError(e instanceof ApiError ? e.message : reason(e)))
        .finally(() => setPlanning(false));
    },
    [budget, mode, start, lock, drop],
  );

  useEffect(registerPatrolWorker, []);

  useEffect(() => {
    openOutbox()
      .then((box) => box.load<{ date: string; plan: Plan }>('plan'))
      .then((saved) => {
        if (saved?.date === today()) setPlan((p) => p ?? saved.plan);
      })
      .catch(() => undefined);
  }, []);

  const locate = () => {
    if (!navigator.geolocation) return setError('此设备无法定位，将从网格中心出发');
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setStart({ lon: Math.round(p.coords.longitude * 1e7) / 1e7, lat: Math.round(p.coords.latitude * 1e7) / 1e7, accuracy: Math.round(p.coords.accuracy) });
        setLocating(false);
      },
      (e) => {
        setError(e.code === e.PERMISSION_DENIED ? '未允许定位，将从网格中心出发' : '定位失败，将从网格中心出发');
        setLocating(false);
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  const toggle = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const ownGrids = useMemo<FeatureCollection>(
    () => ({ type: 'FeatureCollection', features: (town?.grids.features ?? []).filter((f) => gridIds.includes(String(f.properties?.id))) }),
    [town, gridIds],
  );

  if (user?.role !== 'grid_manager') {
    return (
      <div className="patrol-page">
        <p className="message">巡查工作台供网格员使用。</p>
        <a href="/map">返回地图</a>
      </div>
    );
  }
  return (
    <div className="patrol-page" data-planned={plan !== null}>
      <header className="title">
        <h1>巡查</h1>
        <nav className="page-links" aria-label="页面">
          <a href="/tasks">待办</a>
          <a href="/map">地图</a>
        </nav>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      {(error || townError) && (
        <p className="message alert" role="alert">
          {error ?? `加载失败：${townError}`}
        </p>
      )}
      <section className="patrol-glance" aria-label="我的网格">
        <h2>我的网格（{gridIds.length} 个）</h2>
        <dl>
          <div>
            <dt>未办结</dt>
            <dd data-glance="open">{glance?.open ?? '—'}</dd>
          </div>
          <div className="alert">
            <dt>逾期</dt>
            <dd data-glance="overdue">{glance?.overdue ?? '—'}</dd>
          </div>
          <div className="warn">
            <dt>2 个工作日内到期</dt>
            <dd data-glance="due-soon">{glance?.dueSoon ?? '—'}</dd>
          </div>
          <div>
            <dt>待我核查</dt>
            <dd data-glance="verify">{glance?.verify ?? '—'}</dd>
          </div>
          <div>
            <dt>7 天未到访点位</dt>
            <dd data-glance="sites">{glance?.sites ?? '—'}</dd>
          </div>
        </dl>
      </section>

      <section className="patrol-controls" aria-label="今日计划">
        <fieldset className="chips" aria-label="可用时间">
          {BUDGETS.map((b) => (
            <button key={b} type="button" className="filter-chip" aria-pressed={budget === b} data-budget={b} onClick={() => setBudget(b)}>
              {b / 60} 小时
            </button>
          ))}
        </fieldset>
        <fieldset className="chips" aria-label="出行方式">
          {MODES.map((m) => (
            <button key={m.code} type="button" className="filter-chip" aria-pressed={mode === m.code} data-mode={m.code} onClick={() => setMode(m.code)}>
              {m.name}
            </button>
          ))}
        </fieldset>
        <div className="patrol-start">
          <button type="button" className="patrol-button" onClick={locate} disabled={locating} data-locate>
            {locating ? '正在定位…' : '使用我的位置'}
          </button>
          <span className="muted" data-start>
            {start ? `从当前位置出发（精度约 ${start.accuracy} 米）` : '从第一个网格的中心出发'}
          </span>
        </div>
        <button type="button" className="primary" onClick={() => makePlan()} disabled={planning} data-plan>
          {planning ? '正在规划…' : plan ? '重新规划' : '生成今日路线'}
        </button>
      </section>

      {(plan || record.active || record.pending > 0 || record.ended) && (
        <PatrolBar
          record={record}
          canStart={plan !== null && plan.stops.length > 0}
          onStart={() => void record.start({ mode })}
          onReport={() => setReporting(true)}
        />
      )}
      {reporting && record.active && <PatrolReport record={record} categories={town?.meta.categories ?? []} onClose={() => setReporting(false)} />}

      {town && <PatrolMap style={town.style} ownGrids={ownGrids} plan={plan} selected={selected} onSelect={setSelected} onMap={onMap} />}

      {plan && (
        <section className="patrol-plan" aria-label="巡查路线">
          <p className="patrol-totals" data-totals>
            共 {plan.stops.length} 站 · {km(plan.totals.meters)} · 路上约 {plan.totals.travelMinutes} 分钟 + 现场 {plan.totals.dwellMinutes} 分钟 ＝ 约{' '}
            {plan.totals.minutes} 分钟
            {plan.leftOut > 0 && <span className="muted">（另有 {plan.leftOut} 处时间不够，未排入）</span>}
          </p>
          {plan.stops.length === 0 && <p className="message muted">所选时间内没有需要到场的待办</p>}
          {plan.stops.length > 0 && (
            <button type="button" className="patrol-print" onClick={print} data-print>
              打印巡查单
            </button>
          )}
          <PatrolStops
            plan={plan}
            selected={selected}
            onSelect={setSelected}
            lock={lock}
            onLock={(id) => {
              const next = toggle(lock, id);
              setLock(next);
              makePlan({ lock: next });
            }}
            onDrop={(id) => {
              const next = [...drop, id];
              const kept = lock.filter((x) => x !== id);
              setDrop(next);
              setLock(kept);
              makePlan({ drop: next, lock: kept });
            }}
            active={record.active}
            record={record}
          />
        </section>
      )}
      {plan && <PatrolSheet plan={plan} name={user.displayName} grids={gridNames(gridIds, town?.gridOptions ?? [])} date={today()} mapImage={mapImage} />}
    </div>
  );
}

/** The grids as the sheet names them: three names, then how many in all. */
function gridNames(ids: readonly string[], options: readonly { id: string; name: string }[]): string {
  const names = ids.map((id) => options.find((o) => o.id === id)?.name ?? id);
  return names.length <= 3 ? names.join('、') : `${names.slice(0, 3).join('、')} 等 ${names.length} 个`;
}
