import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { shanghaiDate } from '../server/domain/calendar.ts';
import { api, type Session, withParams } from './api/client.ts';
import { withStats } from './map/choropleth.ts';
import { homeArea } from './map/home-area.ts';
import { withResults } from './map/layers.ts';
import { MapView } from './map/map-view.tsx';
import { useBasemap } from './map/use-basemap.ts';
import { usePngExport } from './map/use-png-export.ts';
import { AppHeader } from './panels/app-header.tsx';
import { CategoryFilter } from './panels/category-filter.tsx';
import { Charts } from './panels/charts.tsx';
import { FilterBar } from './panels/filter-bar.tsx';
import { GridPanel } from './panels/grid-panel.tsx';
import { KpiStrip, MineStrip } from './panels/kpi-strip.tsx';
import { Legend } from './panels/legend.tsx';
import { MapTools } from './panels/map-tools.tsx';
import { Playback, usePlaybackTimer } from './panels/playback.tsx';
import { ProblemCard } from './panels/problem-card.tsx';
import { ReportForm } from './panels/report-form.tsx';
import { SiteCard } from './panels/site-card.tsx';
import { Toasts, useToasts } from './panels/toasts.tsx';
import { filteredKey, loadFiltered } from './state/filtered.ts';
import { useGridMetric } from './state/use-grid-metric.ts';
import { useKeyedLoad } from './state/use-keyed-load.ts';
import { useOpenProblem } from './state/use-open-problem.ts';
import { useTown } from './state/use-town.ts';
import {
  apiFilterQuery,
  apiTimelessQuery,
  describeFilters,
  parseViewState,
  toggleCategory,
  type ViewState,
  viewRange,
  viewStateSearch,
  WEIGHTS,
  windowLabel,
} from './state/view-state.ts';

/** No own grids (a stable empty list). */
const NO_GRIDS: readonly string[] = [];

/** The message of a failed load. */
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface AppProps {
  session: Session;
  onSignedOut: (notice?: string) => void;
}

/** The map. A display device (wall) reads aggregates only: no problem card and no problem lists. */
export function App({ session, onSignedOut }: AppProps) {
  const readsProblems = session.user !== null;
  const basemap = useBasemap();
  // 上报问题: admins anywhere, grid managers in their grids (the server decides again).
  const mayReport = session.user?.role === 'admin' || session.user?.role === 'grid_manager';
  const [reporting, setReporting] = useState(false);
  const [reportPoint, setReportPoint] = useState<[number, number] | null>(null);
  const pick = useMemo(() => (reporting ? { point: reportPoint, onPick: setReportPoint } : null), [reporting, reportPoint]);
  const { town, error } = useTown(session.user);
  const [view, setView] = useState<ViewState | null>(null);
  const [street, setStreet] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  // Narrow screens: the filters fold away behind a button of the header.
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [toasts, notify] = useToasts();
  // The map and its overlay, for the PNG export.
  const png = usePngExport((e) => notify('export-failed', `导出失败：${message(e)}`));
  // Key sites drawn (their legend), and the one whose card is open.
  const [sitesShown, setSitesShown] = useState(false);
  const [siteId, setSiteId] = useState<string | null>(null);

  // The filters come from the address once the catalogues are known.
  useEffect(() => {
    if (!town) return;
    const { categories, statuses, sources } = town.meta;
    setView(
      (v) =>
        v ??
        parseViewState(window.location.search, {
          categories: categories.map((c) => c.code),
          statuses: statuses.map((s) => s.code),
          sources: sources.map((s) => s.code),
        }),
    );
  }, [town]);

  const now = town ? Date.parse(town.meta.now) : 0;
  // The heat weight as of now, read when new points arrive (a change of weight alone fetches nothing).
  const weightNow = useRef<ViewState['weight']>('reported');
  weightNow.current = view?.weight ?? 'reported';
  const query = view && town ? apiFilterQuery(view, now) : null;
  // A failed reload (the server restarting, the network gone) keeps what is on screen, says so, and
  // the next change or the event stream coming back reloads it. (The town's own load failing is the page's message.)
  const fail = (e: unknown) => notify('reload-failed', `数据刷新失败，保留当前数据：${message(e)}`);
  // Bumped by a change made here, so that the map, KPIs and charts show it.
  const [revision, setRevision] = useState(0);
  const [filteredLoad] = useKeyedLoad(
    query === null || !view ? null : filteredKey(revision, view.rank, query),
    (key) => loadFiltered(key, weightNow.current),
    fail,
  );
  const filtered = filteredLoad?.value ?? null;

  // 我的网格: a grid manager's own grids beside the town's figures, for the same filters (not when one grid is chosen).
  const ownGrids = session.user?.role === 'grid_manager' ? session.user.gridIds : NO_GRIDS;
  const mineQuery = query !== null && ownGrids.length > 0 && !view?.filterGrid ? withParams(query, `grid=${ownGrids.join(',')}`) : null;
  const [mineLoad] = useKeyedLoad(mineQuery === null ? null : `${revision}|${mineQuery}`, (key) => api.summary(key.slice(key.indexOf('|') + 1)), fail);

  const timeless = view ? apiTimelessQuery(view) : null;
  const [trendLoad] = useKeyedLoad(timeless, api.trend, fail);
  // 环比 follows every change, like the figures; its spans are its own, so the dates are left out.
  const [compareLoad] = useKeyedLoad(timeless === null ? null : `${revision}|${timeless}`, (key) => api.compare(key.slice(key.indexOf('|') + 1)), fail);
  const trend = trendLoad && { query: trendLoad.key, periods: trendLoad.value };

  // The open problem's card, and the live changes (reloading what the filters show, once for a burst).
  const { problem, setProblem, live } = useOpenProblem(view?.problem ?? null, readsProblems, setRevision, notify, fail);

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
  usePlaybackTimer({
    playing,
    month: view?.month ?? null,
    shown,
    months,
    speed,
    onMonth: (month) => setView((v) => (v ? { ...v, month } : v)),
    onEnd: () => setPlaying(false),
  });

  // 巡查覆盖 and 村居考核得分, while the grids are coloured by them.
  const { patrolDays, scores, scoreMonth } = useGridMetric(view, session.user, revision, now, fail);
  const gridsWithStats = useMemo(
    () => (town && filtered ? withStats(town.grids, filtered.gridStats, patrolDays, scores) : null),
    [town, filtered, patrolDays, scores],
  );
  // key sites coloured by their latest check, reloaded with every change
  const [resultsLoad] = useKeyedLoad(`${revision}`, () => api.siteResults(), fail);
  const sites = useMemo(() => (town ? withResults(town.sites, resultsLoad?.value ?? null) : []), [town, resultsLoad]);
  const onGridClick = useCallback((grid: string) => {
    setSiteId(null);
    setView((v) => (v ? { ...v, grid, problem: null } : v));
  }, []);
  // 点位档案: a site's checks, for those who read the inspections
  const readsChecks = session.user?.role === 'admin' || session.user?.role === 'leader' || session.user?.role === 'grid_manager';
  const onSiteClick = useCallback((id: string) => {
    setSiteId(id);
    setView((v) => (v ? { ...v, problem: null } : v));
  }, []);
  const onProblemClick = useCallback(
    (id: number) => {
      if (readsProblems) setView((v) => (v ? { ...v, problem: id } : v));
    },
    [readsProblems],
  );

  // My area first: a grid manager's grids outlined and framed, a unit's problems framed (at the map's creation).
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

  const onExport = (scale: 1 | 2) =>
    png.run(scale, {
      title,
      filters: filterText,
      mode: view.mode,
      metric: view.metric,
      weightName,
      street,
      sites: sitesShown,
      scoreMonth,
      statuses: meta.statuses,
      demo: meta.demo,
    });

  return (
    <div className="app" data-query={filtered.query} data-loading={!shown} data-live={live} data-filters-open={filtersOpen}>
      <AppHeader
        title={title}
        shortTitle={`${meta.town.name}创文一张图`}
        demo={meta.demo}
        offline={live === 'off'}
        mode={view.mode}
        onMode={(mode) => setView({ ...view, mode })}
        exporting={png.exporting}
        onExport={onExport}
        ledgerQuery={readsProblems && session.user?.role !== 'display' && query !== null ? query : null}
        ledgerRows={shown ? filtered.summary.total : null}
        reporting={mayReport ? reporting : null}
        onReporting={() => setReporting((r) => !r)}
        tasksRevision={readsProblems ? revision : null}
        filtersOpen={filtersOpen}
        onFilters={() => setFiltersOpen((o) => !o)}
        session={session}
        onSignedOut={onSignedOut}
      />
      <Toasts toasts={toasts} />
      <FilterBar view={view} meta={meta} today={shanghaiDate(now)} communities={town.communities} grids={town.gridOptions} onChange={setView} />
      <KpiStrip
        summary={filtered.summary}
        statusFiltered={view.statuses.length > 0 && view.statuses.length < meta.statuses.length}
        overdueHref={readsProblems ? '/tasks?show=overdue' : null}
        compare={compareLoad?.value ?? null}
      />
      {mineLoad && mineQuery !== null && mineLoad.key.endsWith(mineQuery) && <MineStrip grids={ownGrids.length} summary={mineLoad.value} />}
      <div className="stage">
        <CategoryFilter categories={meta.categories} selected={view.categories} onToggle={(code) => setView(toggleCategory(view, code))} />
        <div className="map-area">
          <MapView
            basemap={basemap.chosen}
            style={town.style}
            bbox={homeBbox}
            ownGrids={ownGrids}
            columns={filtered.columns}
            grids={gridsWithStats}
            selectedGrid={view.grid}
            mode={view.mode}
            weight={view.weight}
            metric={view.metric}
            sites={sites}
            hotspots={filtered.hotspots}
            selectedProblem={view.problem}
            onGridClick={onGridClick}
            onProblemClick={onProblemClick}
            onStreetChange={setStreet}
            pick={pick}
            onMap={png.onMap}
            onSitesShownChange={setSitesShown}
            onSiteClick={readsChecks ? onSiteClick : undefined}
          />
          <MapTools view={view} unit={session.user?.role === 'unit'} basemap={basemap} onView={setView} />
          <Legend
            mode={view.mode}
            metric={view.metric}
            weightName={weightName}
            street={street}
            sites={sitesShown}
            scoreMonth={scoreMonth}
            statuses={meta.statuses}
          />
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
          ) : siteId !== null ? (
            <SiteCard siteId={siteId} revision={revision} onProblem={onProblemClick} onClose={() => setSiteId(null)} />
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
