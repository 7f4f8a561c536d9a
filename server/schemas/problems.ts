import { Type } from 'typebox';

/**
 * The answers of the problem routes. The client takes its types from these (`Static<typeof …>`),
 * so a route and the page that reads it cannot drift apart.
 */

/** A photo of a problem (EXIF removed; `lon`/`lat` were read from it before). */
export const Photo = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('before'), Type.Literal('after')]),
  width: Type.Integer(),
  height: Type.Integer(),
  url: Type.String(),
  thumbUrl: Type.String(),
  lon: Type.Union([Type.Number(), Type.Null()], { description: "the camera's GPS position (from EXIF, which the stored file no longer has)" }),
  lat: Type.Union([Type.Number(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.String(),
  note: Type.String(),
  photos: Type.Array(Type.String()),
  changes: Type.Object(
    {
      unitId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      measure: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      deadline: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      closedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      mergedInto: Type.Optional(Type.Integer()),
      gridId: Type.Optional(Type.String({ description: 'regrid: the grid new boundaries put the problem in' })),
      communityId: Type.Optional(Type.String()),
    },
    { description: 'the fields the event set besides the status (replaying the history gives the problem)' },
  ),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** Properties of a problem feature in lists; the detail adds names and the history. */
export const problemProperties = {
  id: Type.Integer(),
  category: Type.String(),
  source: Type.String(),
  status: Type.String(),
  overdue: Type.Boolean({ description: '逾期: not closed and past the deadline, as of the answer' }),
  gridId: Type.String(),
  communityId: Type.String(),
  unitId: NullableString,
  siteId: NullableString,
  description: Type.String(),
  address: Type.String(),
  measure: NullableString,
  reportedAt: Type.String(),
  deadline: NullableString,
  closedAt: NullableString,
  updatedAt: Type.String(),
  version: Type.Integer(),
};

export const ProblemDetail = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: Type.Object({
    ...problemProperties,
    reporter: Type.Union([Type.Object({ name: Type.String(), phone: Type.String() }), Type.Null()], {
      description: '举报人 (public reports), masked: 张** / 138****5678. Admins reveal it with GET /api/problems/{id}/reporter (audited).',
    }),
    categoryName: Type.String(),
    gridName: Type.String(),
    gridManager: Type.String(),
    communityName: Type.String(),
    unitName: NullableString,
    siteName: NullableString,
    photos: Type.Array(Photo, { description: 'photos before and after rectification, oldest first' }),
    mergedInto: Type.Union([Type.Integer(), Type.Null()], { description: 'a duplicate: the problem it was merged into (合并办结)' }),
    duplicates: Type.Array(Type.Integer(), { description: 'the duplicates merged into this problem' }),
    history: Type.Array(HistoryEntry),
  }),
});

export const ProblemFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: Type.Object(problemProperties),
});

export const ProblemCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  numberReturned: Type.Integer(),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page; null on the last' }),
  features: Type.Array(ProblemFeature),
});

/** The answer to a report: the new problem, open problems of its category nearby, and the closed one it repeats (反弹). */
export const Created = Type.Object({
  problem: ProblemDetail,
  possibleDuplicates: Type.Array(Type.Object({ id: Type.Integer(), distanceM: Type.Number(), status: Type.String(), reportedAt: Type.String() }), {
    description: 'open problems of the same category nearby (30 m unless the category says otherwise), nearest first',
  }),
  recurrenceOf: Type.Union([Type.Object({ id: Type.Integer(), distanceM: Type.Number() }), Type.Null()], {
    description: '反弹: a problem of the same category closed in the last 90 days within 50 m',
  }),
});
