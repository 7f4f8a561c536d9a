import { Type } from 'typebox';

/** The import wizard's answers; the client takes its types from these (`Static<typeof …>`). */

const Datums = Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')]);
const PerDatum = Type.Object({ wgs84: Type.Integer(), gcj02: Type.Integer(), bd09: Type.Integer() });

/** A 问题类型 or 责任单位 as the sheet writes it, and what it maps to. */
export const NameUse = Type.Object({
  text: Type.String(),
  rows: Type.Integer(),
  code: Type.Union([Type.String(), Type.Null()], { description: 'the category code or unit id it maps to; null: none' }),
  name: Type.Union([Type.String(), Type.Null()]),
  exact: Type.Boolean({ description: 'false: a proposal for the clerk to confirm (rows are refused until confirmed)' }),
  chosen: Type.Boolean({ description: 'the clerk chose it' }),
});

export const DryRunAnswer = Type.Object({
  file: Type.Object({
    name: Type.String(),
    encoding: Type.Union([
      Type.Literal('xlsx'),
      Type.Literal('utf-8'),
      Type.Literal('utf-16le'),
      Type.Literal('gb18030'),
      Type.Literal('geojson'),
      Type.Literal('kml'),
    ]),
  }),
  header: Type.Object({
    line: Type.Integer({ description: 'the header row, 1-based as Excel numbers it' }),
    title: Type.String({ description: 'the rows above the header' }),
    year: Type.Union([Type.Integer(), Type.Null()], { description: 'the year the title names (for dates such as 3月5日)' }),
    columns: Type.Array(Type.Object({ field: Type.String(), column: Type.Integer(), header: Type.String() })),
    unknown: Type.Array(Type.Object({ column: Type.Integer(), header: Type.String() }), { description: 'columns not imported' }),
  }),
  datum: Type.Object({
    proposed: Datums,
    used: Datums,
    clear: Type.Boolean({ description: 'false: the points cannot tell the datums apart; the clerk should choose' }),
    reason: Type.String(),
    inside: PerDatum,
    agree: PerDatum,
  }),
  categories: Type.Array(NameUse),
  units: Type.Array(NameUse),
  counts: Type.Object({ rows: Type.Integer(), accepted: Type.Integer(), warning: Type.Integer(), rejected: Type.Integer() }),
  lines: Type.Array(
    Type.Object({
      line: Type.Integer(),
      outcome: Type.Union([Type.Literal('accepted'), Type.Literal('warning'), Type.Literal('rejected')]),
      reasons: Type.Array(Type.String()),
      problem: Type.Union([
        Type.Object({ lon: Type.Number(), lat: Type.Number(), category: Type.String(), status: Type.String(), gridId: Type.String() }),
        Type.Null(),
      ]),
    }),
    { description: 'the first 500 rows; every row is in /api/imports/report' },
  ),
});

/** An import batch: what was imported, by whom, and its undo. */
export const ImportBatch = Type.Object({
  id: Type.Integer(),
  filename: Type.String(),
  fileSha256: Type.String(),
  datum: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  rowsAdded: Type.Integer(),
  undoneAt: Type.Union([Type.String(), Type.Null()]),
  undoneBy: Type.Union([Type.String(), Type.Null()]),
});

export const ImportDone = Type.Object({
  batch: ImportBatch,
  counts: Type.Object({ rows: Type.Integer(), accepted: Type.Integer(), warning: Type.Integer(), rejected: Type.Integer() }),
});
