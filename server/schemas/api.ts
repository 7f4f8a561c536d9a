import { type Static, type TSchema, Type } from 'typebox';
import { Unit } from '../routes/areas.ts';
import { TokenInfo } from '../routes/display-tokens.ts';
import { SiteAnswer } from '../routes/sites.ts';
import { AdminUser } from '../routes/users.ts';
import { FeedItem, WallConfigAnswer } from '../routes/wall.ts';
import { Me } from './auth.ts';
import { Basemap } from './basemaps.ts';
import { BoundaryCommitted, BoundaryDryRun } from './boundaries.ts';
import { FeatureCollection } from './common.ts';
import { Deck, DeckSummary } from './decks.ts';
import { DispatchRulesAnswer } from './dispatch.ts';
import { DryRunAnswer, ImportBatch, ImportDone } from './imports.ts';
import { CheckDone, ChecklistsAnswer, RoundDetail, RoundSummary, SiteHistory, SiteResults } from './inspections.ts';
import { Meta } from './meta.ts';
import { CheckinAnswer, CoverageAnswer, PatrolDetail, PatrolSummary, PlanAnswer, TrackFeature } from './patrols.ts';
import { Created, Photo, ProblemCollection, ProblemDetail } from './problems.ts';
import { Project, ProjectDetail, ProjectsAnswer } from './projects.ts';
import { ScoresAnswer } from './scores.ts';
import { AreaRow, CategoryRow, ComparisonAnswer, HotspotRow, Summary, TrendPeriod, UnitRow } from './stats.ts';
import { TasksAnswer } from './tasks.ts';

/**
 * The one API contract: what each route the client calls answers on success, keyed by
 * `METHOD /path` as the route is registered. The client's fetchers are typed from this map
 * (`Answer<'GET /api/meta'>`), and tests/api/contract.test.ts checks that every entry is the
 * schema the route itself declares, so a route, its documentation and the page that reads it
 * cannot drift apart.
 */
export const API_ANSWERS = {
  'GET /api/meta': Meta,
  'GET /api/communities': FeatureCollection,
  'GET /api/grids': FeatureCollection,
  'GET /api/sites': FeatureCollection,
  'GET /api/basemap': FeatureCollection,
  'GET /api/units': Type.Object({ units: Type.Array(Unit) }),
  'GET /api/stats/summary': Summary,
  'GET /api/stats/grids': Type.Object({ grids: Type.Array(AreaRow) }),
  'GET /api/stats/communities': Type.Object({ communities: Type.Array(AreaRow) }),
  'GET /api/stats/categories': Type.Object({ categories: Type.Array(CategoryRow) }),
  'GET /api/stats/trend': Type.Object({ interval: Type.String(), periods: Type.Array(TrendPeriod) }),
  'GET /api/stats/units': Type.Object({ units: Type.Array(UnitRow) }),
  'GET /api/stats/compare': ComparisonAnswer,
  'GET /api/hotspots': Type.Object({ total: Type.Integer(), hotspots: Type.Array(HotspotRow) }),
  'GET /api/problems': ProblemCollection,
  'GET /api/problems/:id': ProblemDetail,
  'GET /api/problems/:id/reporter': Type.Object({ name: Type.String(), phone: Type.String() }),
  'PUT /api/problems/:id/measure': ProblemDetail,
  'POST /api/problems/:id/transitions': ProblemDetail,
  'POST /api/problems/:id/merge': ProblemDetail,
  'POST /api/problems': Created,
  'POST /api/problems/:id/photos': Type.Object({ photo: Photo }),
  'GET /api/auth/session': Me,
  'POST /api/auth/login': Me,
  'POST /api/auth/display': Me,
  'POST /api/auth/logout': Type.Null(),
  'POST /api/auth/password': Type.Null(),
  'GET /api/users': Type.Object({ users: Type.Array(AdminUser) }),
  'POST /api/users': Type.Object({ user: AdminUser, password: Type.String() }),
  'PATCH /api/users/:id': Type.Object({ user: AdminUser }),
  'POST /api/users/:id/password': Type.Object({ password: Type.String() }),
  'POST /api/users/:id/unlock': Type.Object({ user: AdminUser }),
  'POST /api/patrols/plan': PlanAnswer,
  'POST /api/patrols': PatrolSummary,
  'POST /api/patrols/:id/track': Type.Object({ kept: Type.Integer(), points: Type.Integer() }),
  'POST /api/patrols/:id/checkins': CheckinAnswer,
  'POST /api/patrols/:id/end': PatrolSummary,
  'GET /api/patrols': Type.Object({ patrols: Type.Array(PatrolSummary) }),
  'GET /api/patrols/:id': PatrolDetail,
  'GET /api/patrols/:id/track': TrackFeature,
  'GET /api/stats/coverage': CoverageAnswer,
  'GET /api/decks': Type.Object({ decks: Type.Array(DeckSummary) }),
  'GET /api/decks/:id': Deck,
  'POST /api/decks': Deck,
  'POST /api/decks/generate': Deck,
  'PUT /api/decks/:id': Deck,
  'DELETE /api/decks/:id': Type.Null(),
  'GET /api/display-tokens': Type.Object({ tokens: Type.Array(TokenInfo) }),
  'POST /api/display-tokens': Type.Object({ token: TokenInfo, secret: Type.String(), url: Type.String() }),
  'DELETE /api/display-tokens/:id': Type.Null(),
  'GET /api/wall/config': WallConfigAnswer,
  'PUT /api/wall/config': WallConfigAnswer,
  'GET /api/feed': Type.Object({ items: Type.Array(FeedItem) }),
  'GET /api/tasks': TasksAnswer,
  'GET /api/dispatch-rules': DispatchRulesAnswer,
  'PUT /api/dispatch-rules': DispatchRulesAnswer,
  'POST /api/imports/dry-run': DryRunAnswer,
  'POST /api/imports': ImportDone,
  'GET /api/imports': Type.Object({ batches: Type.Array(ImportBatch) }),
  'POST /api/imports/:id/undo': Type.Object({ batch: ImportBatch, removed: Type.Integer() }),
  'GET /api/basemaps': Type.Object({ basemaps: Type.Array(Basemap) }),
  'POST /api/boundaries/dry-run': BoundaryDryRun,
  'POST /api/boundaries': BoundaryCommitted,
  'GET /api/checklists': ChecklistsAnswer,
  'GET /api/inspections/rounds': Type.Object({ rounds: Type.Array(RoundSummary) }),
  'POST /api/inspections/rounds': RoundSummary,
  'GET /api/inspections/rounds/:id': RoundDetail,
  'POST /api/inspections/rounds/:id/checks': CheckDone,
  'GET /api/sites/:id/checks': SiteHistory,
  'GET /api/sites/results': SiteResults,
  'GET /api/scores': ScoresAnswer,
  'GET /api/sites/register': Type.Object({ sites: Type.Array(SiteAnswer) }),
  'POST /api/sites': SiteAnswer,
  'PATCH /api/sites/:id': SiteAnswer,
  'DELETE /api/sites/:id': Type.Null(),
  'GET /api/projects': ProjectsAnswer,
  'GET /api/projects/:id': ProjectDetail,
  'POST /api/projects': Project,
  'PATCH /api/projects/:id': Project,
} satisfies Record<string, TSchema>;

export type ApiRoute = keyof typeof API_ANSWERS;

/** What a route answers on success, as the client receives it. */
export type Answer<R extends ApiRoute> = Static<(typeof API_ANSWERS)[R]>;
