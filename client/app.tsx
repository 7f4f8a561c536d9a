import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { shanghaiDate, toShanghaiIso } from '../server/domain/calendar.ts';
import {
  type AreaRow,
  api,
  type CategoryRow,
  type GridStats,
  type Hotspot,
  type Meta,
  type ProblemDetail,
  type Session,
  type Summary,
  type UnitRow,
  withParams,
} from './api/client.ts';
import { followLive } from './api/live.ts';
import { basemapStyle } from './map/basemap-style.ts';
import { withStats } from './map/choropleth.ts';
import { download, exportPng } from './map/export-png.ts';
import { homeArea } from './map/home-area.ts';
import { pointColumns, type SiteMarker } from './map/layers.ts';
import { MapView } from './map/map-view.tsx';
import { AppHeader } from './panels/app-header.tsx';
import { CategoryFilter } from './panels/category-filter.tsx';
import { Charts } from './panels/charts.tsx';
import { Select } from './panels/controls.tsx';
import { type AreaOption, FilterBar } from './panels/filter-bar.tsx';
import { GridPanel } from './panels/grid-panel.tsx';
import { KpiStrip, MineStrip } from './panels/kpi-strip.tsx';
import { Legend } from './panels/legend.tsx';
import { MONTH_MS, Playback } from './panels/playback.tsx';
import { ACTION_NAMES, ProblemCard } from './panels/problem-card.tsx';
import { ReportForm } from './panels/report-form.tsx';
import { useKeyedLoad } from './state/use-keyed-load.ts';
import {
  apiFilterQuery,
  apiTimelessQuery,
  describeFilters,
  METRICS,
  parseViewState,
  type RankBy,
  toggleCategory,
  type ViewState,
  viewRange,
  viewStateSearch,
  WEIGHTS,
  windowLabel,
} from './state/view-state.ts';

/** Data that does not depend on the filters: loaded once. */
interface Town {
  meta: Meta;
  style: StyleSpecification;
  grids: FeatureCollection;
  communities: AreaOption[];
  gridOptions: AreaOption[];
  sites: SiteMarker[];
  names: Map<string, string>;
}

/** Data for the current filters, replaced as one piece so every panel shows the same query. */
interface Filtered {
  query: string;
  summary: Summary;
  columns: ReturnType<typeof pointColumns>;
  gridStats: Map<string, GridStats>;
  categories: CategoryRow[];
  communities: AreaRow[];
  units: UnitRow[];
  hotspots: Hotspot[];
}

/** No own grids (a stable empty list). */
const NO_GRIDS: readonly string[] = [];

/** The message of a failed load. */
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const areaOptions = (fc: FeatureCollection): AreaOption[] =>
  fc.features.map((f) => ({ id: String(f.properties?.id), name: String(f.properties?.name), communityId: f.properties?.communityId as string | undefined }));

export interface AppProps {
  session: Session;
  onSignedOut: (notice?: string) => void;
}

/** The map. A display device (wall) reads aggregates only: no problem card and no problem lists. */
export function App({ session, onSignedOut }: AppProps) {
  const readsProblems = session.user !== null;
  // 上报问题: admins anywhere, grid managers in their grids (the server decides again).
  const mayReport = session.user?.role === 'admin' || session.user?.role === 'grid_manager';
  const [reporting, setReporting] = useState(false);
  const [reportPoint, setReportPoint] = useState<[number, number] | null>(null);
  const pick = useMemo(() => (reporting ? { point: reportPoint, onPick: setReportPoint } : null), [reporting, reportPoint]);
  const [town, setTown] = useState<Town | null>(null);
  const [view, setView] = useState<ViewState | null>(null);
  const [street, setStreet] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [exporting, setExporting] = useState(false);
  // Narrow screens: the filters fold away behind a button of the header.
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Short messages in the corner: live changes, and reloads that failed.
  const [toasts, setToasts] = useState<{ key: string; text: string }[]>([]);
  const notify = useCallback((key: string, text: string) => {
    setToasts((t) => [...t.filter((x) => x.key !== key).slice(-3), { key, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.key !== key)), 5000);
  }, []);

  useEffect(() => {
    Promise.all([api.meta(), api.communities(), api.grids(), api.basemap(), api.sites(), api.units()])
      .then(([meta, communities, grids, basemap, sites, units]) => {
        const names = new Map<string, string>();
        for (const u of units) names.set(`unit:${u.id}`, u.name);
        for (const c of meta.categories) names.set(`category:${c.code}`, c.name);
        for (const s of meta.statuses) names.set(`status:${s.code}`, s.name);
        for (const s of meta.sources) names.set(`source:${s.code}`, s.name);
        for (const f of [...communities.features, ...grids.features]) names.set(`area:${f.properties?.id}`, String(f.properties?.name));
        setTown({
          meta,
          grids,
          style: basemapStyle({ communities, grids, basemap, sites }),
          communities: areaOptions(communities),
          gridOptions: areaOptions(grids),
          sites: sites.features.map((f) => {
            const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
            return { id: String(f.properties?.id), name: String(f.properties?.name), kind: String(f.properties?.kind), lon, lat };
          }),
          names,
        });
        setView(
          parseViewState(window.location.search, {
            categories: meta.categories.map((c) => c.code),
            statuses: meta.statuses.map((s) => s.code),
            sources: meta.sources.map((s) => s.code),
          }),
        );
      })
      .catch((e: unknown) => setError(message(e)));
  }, []);

  const now = town ? Date.parse(town.meta.now) : 0;
  // The heat weight as of now, read when new points arrive (a change of weight alone fetches nothing).
  const weightNow = useRef<ViewState['weight']>('reported');
  weightNow.current = view?.weight ?? 'reported';
  const query = view && town ? apiFilterQuery(view, now) : null;
  // Until the town has loaded a failure is the page's message; after that a failed reload (the
  // server restarting, the network gone) keeps what is on screen, says so, and the next change or
  // the event stream coming back reloads it.
  const fail = (e: unknown) => (town ? notify('reload-failed', `数据刷新失败，保留当前数据：${message(e)}`) : setError(message(e)));
  // Bumped by a change made here, so that the map, KPIs and charts show it.
  const [revision, setRevision] = useState(0);
  const [filteredLoad] = useKeyedLoad(
    query === null || !view ? null : `${revision}|${view.rank}|${query}`,
    async (key): Promise<Filtered> => {
      const [, rank, q] = key.split('|') as [string, RankBy, string];
      const [summary, points, gridStats, categories, communities, units, hotspots] = await Promise.all([
        api.summary(q),
        api.points(q),
        api.gridStats(q),
        api.categoryStats(q),
        api.communityStats(q, rank),
        api.unitStats(q),
        api.hotspots(q),
      ]);
      const start = performance.now();
      const columns = pointColumns(points);
      // What the first heatmap frame needs; other columns are made when their layer is shown.
      columns.offsets;
      columns.weight(weightNow.current);
      performance.measure('points-columns', { start, end: performance.now() });
      return {
        query: q,
        summary,
        columns,
        gridStats: new Map(gridStats.map((g) => [g.id, g])),
        categories,
        communities,
        units,
        hotspots: hotspots.slice(0, 8),
      };
    },
    fail,
  );
  const filtered = filteredLoad?.value ?? null;

  // 我的网格: a grid manager's own grids beside the town's figures, for the same filters (not when one grid is chosen).
  const ownGridIds = session.user?.role === 'grid_manager' ? session.user.gridIds : [];
  const mineQuery = query !== null && ownGridIds.length > 0 && !view?.filterGrid ? withParams(query, `grid=${ownGridIds.join(',')}`) : null;
  const [mineLoad] = useKeyedLoad(mineQuery === null ? null : `${revision}|${mineQuery}`, (key) => api.summary(key.slice(key.indexOf('|') + 1)), fail);

  const timeless = view ? apiTimelessQuery(view) : null;
  const [trendLoad] = useKeyedLoad(timeless, api.trend, fail);
  // 环比 follows every change, like the figures; its spans are its own, so the dates are left out.
  const [compareLoad] = useKeyedLoad(timeless === null ? null : `${revision}|${timeless}`, (key) => api.compare(key.slice(key.indexOf('|') + 1)), fail);
  const trend = trendLoad && { query: trendLoad.key, periods: trendLoad.value };

  const problemId = view?.problem ?? null;
  // Bumped when a live change touches the open problem, so that its card reloads.
  const [problemRevision, setProblemRevision] = useState(0);
  const problemKey = problemId !== null && readsProblems ? `${problemId}#${problemRevision}` : null;
  const [problemLoad, setProblemLoad] = useKeyedLoad(problemKey, (key) => api.problem(Number(key.split('#')[0])), fail);
  const problem = problemLoad && problemLoad.value.id === problemId ? problemLoad.value : null;
  const setProblem = (p: ProblemDetail) => {
    setProblemLoad({ key: problemKey ?? String(p.id), value: p });
    setRevision((r) => r + 1);
  };

  // Live changes: reload what the filters show (once for a burst), the open card if it changed, and say what happened.
  // The event stream: connecting at first, then on, or off while it reconnects.
  const [live, setLive] = useState<'connecting' | 'on' | 'off'>('connecting');
  const openProblem = useRef<number | null>(null);
  openProblem.current = problemId;
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(pending);
      pending = setTimeout(() => setRevision((r) => r + 1), 300);
    };
    const stop = followLive({
      change: (c) => {
        refresh();
        if (c.problemId === openProblem.current) {
          // The new status shows at once, from the message; the reload brings the rest of the card.
          setProblemLoad((l) => (l && l.value.id === c.problemId ? { ...l, value: { ...l.value, status: c.toStatus } } : l));
          setProblemRevision((r) => r + 1);
        }
        notify(`event-${c.eventId}`, `编号 ${c.problemId}：${ACTION_NAMES[c.action] ?? c.action}`);
      },
      reset: refresh,
      online: (up) => {
        setLive(up ? 'on' : 'off');
        // Back on (or on at last): what changed meanwhile is reloaded, the open card too.
        if (up) {
          refresh();
          setProblemRevision((r) => r + 1);
        }
      },
    });
    return () => {
      stop();
      clearTimeout(pending);
    };
  }, [setProblemLoad, notify]);

  const gridId = view?.grid ?? null;
  const overdueQuery = view && town ? apiFilterQuery({ ...view, filterGrid: null }, now) : '';
  const [overdueLoad] = useKeyedLoad(
    gridId !== null && readsProblems ? `${gridId}${overdueQuery}` : null,
    () => api.overdueIn(gridId as string, overdueQuery),
    fail,
  );
  const overdue = overdueLoad && { key: overdueLoad.key, rows: overdueLoad.value };

  useEffect(() => {
    if (view) window.history.replaceState(null, '', `${window.location.pathname}${viewStateSearch(view)}`);
  }, [view]);

  // Playback: the next month once the current one is on screen.
  const months = useMemo(() => trend?.periods.map((p) => p.period) ?? [], [trend]);
  const shown = filtered?.query === query;
  useEffect(() => {
    if (!playing || !view?.month || !shown) return;
    const i = months.indexOf(view.month);
    const timer = setTimeout(() => {
      if (i < 0 || i >= months.length - 1) setPlaying(false);
      else setView((v) => (v ? { ...v, month: months[i + 1] } : v));
    }, MONTH_MS / speed);
    return () => clearTimeout(timer);
  }, [playing, view?.month, shown, months, speed]);

  const gridsWithStats = useMemo(() => (town && filtered ? withStats(town.grids, filtered.gridStats) : null), [town, filtered]);
  const onGridClick = useCallback((grid: string) => setView((v) => (v ? { ...v, grid, problem: null } : v)), []);
  const onProblemClick = useCallback(
    (id: number) => {
      if (readsProblems) setView((v) => (v ? { ...v, problem: id } : v));
    },
    [readsProblems],
  );

  // My area first: a grid manager's grids outlined and framed, a unit's problems framed (at the map's creation).
  const ownGrids = session.user?.role === 'grid_manager' ? session.user.gridIds : NO_GRIDS;
  // The map takes its first frame once, from the first load; later loads do not move it.
  const home = useRef<[number, number, number, number] | null>(null);
  if (home.current === null && town && filtered) home.current = homeArea(session.user, town.meta.bbox, town.grids, filtered.columns.points);
  const homeBbox = home.current;

  if (error) return <div className="message">数据加载失败：{error}</div>;
  if (!town || !view || !filtered || !gridsWithStats || !homeBbox) return <div className="message">正在加载…</div>;
  const { meta, names } = town;
  const name = (kind: string) => (code: string) => names.get(`${kind}:${code}`) ?? code;
  const selected = view.grid ? filtered.gridStats.get(view.grid) : undefined;
  const title = `${meta.town.name}创建全国文明城市 · 问题热力图`;
  const weightName = WEIGHTS.find((w) => w.code === view.weight)?.name ?? '';
  const filterText = describeFilters(view, now, {
    category: name('category'),
    status: name('status'),
    source: name('source'),
    area: name('area'),
    unit: name('unit'),
  });

  const onExport = async (scale: 1 | 2) => {
    const map = window.__map;
    if (!map) return;
    setExporting(true);
    try {
      const stamp = toShanghaiIso(Date.now()).slice(0, 16).replace('T', ' ');
      const blob = await exportPng(map, window.__deck?.overlay, scale, {
        title,
        filters: filterText,
        timestamp: stamp,
        mode: view.mode,
        metric: view.metric,
        weightName,
        street,
        statuses: meta.statuses,
        demo: meta.demo,
      });
      download(blob, `创文一张图-${stamp.replace(/[-: ]/g, '')}${scale === 2 ? '@2x' : ''}.png`);
    } catch (e) {
      notify('export-failed', `导出失败：${message(e)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="app" data-query={filtered.query} data-loading={!shown} data-live={live} data-filters-open={filtersOpen}>
      <AppHeader
        title={title}
        shortTitle={`${meta.town.name}创文一张图`}
        demo={meta.demo}
        offline={live === 'off'}
        mode={view.mode}
        onMode={(mode) => setView({ ...view, mode })}
        exporting={exporting}
        onExport={onExport}
        reporting={mayReport ? reporting : null}
        onReporting={() => setReporting((r) => !r)}
        tasksRevision={readsProblems ? revision : null}
        filtersOpen={filtersOpen}
        onFilters={() => setFiltersOpen((o) => !o)}
        session={session}
        onSignedOut={onSignedOut}
      />
      <ul className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <li key={t.key}>{t.text}</li>
        ))}
      </ul>
      <FilterBar view={view} meta={meta} today={shanghaiDate(now)} communities={town.communities} grids={town.gridOptions} onChange={setView} />
      <KpiStrip
        summary={filtered.summary}
        statusFiltered={view.statuses.length > 0 && view.statuses.length < meta.statuses.length}
        overdueHref={readsProblems ? '/tasks?show=overdue' : null}
        compare={compareLoad?.value ?? null}
      />
      {mineLoad && mineQuery !== null && mineLoad.key.endsWith(mineQuery) && <MineStrip grids={ownGridIds.length} summary={mineLoad.value} />}
      <div className="stage">
        <CategoryFilter categories={meta.categories} selected={view.categories} onToggle={(code) => setView(toggleCategory(view, code))} />
        <div className="map-area">
          <MapView
            style={town.style}
            bbox={homeBbox}
            ownGrids={ownGrids}
            columns={filtered.columns}
            grids={gridsWithStats}
            selectedGrid={view.grid}
            mode={view.mode}
            weight={view.weight}
            metric={view.metric}
            sites={town.sites}
            hotspots={filtered.hotspots}
            selectedProblem={view.problem}
            onGridClick={onGridClick}
            onProblemClick={onProblemClick}
            onStreetChange={setStreet}
            pick={pick}
          />
          <div className="map-tools">
            {view.mode === 'grid' ? (
              <Select label="着色指标" value={view.metric} choices={METRICS} onChange={(metric) => metric && setView({ ...view, metric })} />
            ) : (
              <Select label="热力权重" value={view.weight} choices={WEIGHTS} onChange={(weight) => weight && setView({ ...view, weight })} />
            )}
          </div>
          <Legend mode={view.mode} metric={view.metric} weightName={weightName} street={street} statuses={meta.statuses} />
          <Playback
            months={months}
            month={view.month}
            playing={playing}
            speed={speed}
            onMonth={(month) => setView((v) => (v ? { ...v, month } : v))}
            onPlaying={setPlaying}
            onSpeed={setSpeed}
          />
          {reporting && session.user ? (
            <ReportForm
              meta={meta}
              user={session.user}
              point={reportPoint}
              onPoint={setReportPoint}
              onClose={() => {
                setReporting(false);
                setReportPoint(null);
              }}
              onOpen={(id) => {
                setReporting(false);
                setReportPoint(null);
                onProblemClick(id);
              }}
              onCreated={() => setRevision((r) => r + 1)}
            />
          ) : problem && view.problem === problem.id ? (
            <ProblemCard
              problem={problem}
              names={{ status: name('status'), source: name('source') }}
              user={session.user}
              onClose={() => setView({ ...view, problem: null })}
              onChanged={setProblem}
              onOpen={onProblemClick}
            />
          ) : (
            selected && (
              <GridPanel
                grid={selected}
                overdue={!readsProblems ? [] : overdue?.key === `${selected.id}${overdueQuery}` ? overdue.rows : null}
                categoryName={name('category')}
                onProblem={onProblemClick}
                onClose={() => setView({ ...view, grid: null })}
              />
            )
          )}
        </div>
        {trend && (
          <Charts
            trend={trend.periods}
            range={viewRange(view, now)}
            window={windowLabel(view, now)}
            categories={filtered.categories}
            communities={filtered.communities}
            units={filtered.units}
            rank={view.rank}
            selectedCategories={view.categories}
            selectedCommunity={view.community}
            selectedUnit={view.unit}
            onMonth={(month) => setView({ ...view, month })}
            onCategory={(code) => setView(toggleCategory(view, code))}
            onCommunity={(id) => setView({ ...view, community: view.community === id ? null : id, filterGrid: null })}
            onUnit={(id) => setView({ ...view, unit: view.unit === id ? null : id })}
            onRank={(rank) => setView({ ...view, rank })}
          />
        )}
      </div>
    </div>
  );
}
