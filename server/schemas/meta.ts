import { Type } from 'typebox';

const Coded = Type.Object({ code: Type.String(), name: Type.String() });

/** /api/meta: the town, its dataset, the catalogues; the client takes its type from this. */
export const Meta = Type.Object({
  town: Type.Object({ id: Type.String(), name: Type.String(), code: Type.String() }),
  bbox: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], { description: 'minLon, minLat, maxLon, maxLat' }),
  center: Type.Tuple([Type.Number(), Type.Number()]),
  demo: Type.Boolean({ description: 'true when the data is the generated demo (演示数据)' }),
  dataset: Type.Object({ kind: Type.String(), origin: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])), loadedAt: Type.String() }),
  counts: Type.Object({ communities: Type.Integer(), grids: Type.Integer(), sites: Type.Integer(), units: Type.Integer(), problems: Type.Integer() }),
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      group: Type.String(),
      color: Type.String(),
      timeLimit: Type.Object({ unit: Type.String(), value: Type.Number() }),
      referenceCode: Type.Union([Type.String(), Type.Null()], { description: '参考编码: nearest 数字城管 event class, probable only' }),
      referenceName: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  sources: Type.Array(Coded),
  statuses: Type.Array(Coded),
  actions: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), from: Type.Array(Type.String()), to: Type.String() })),
  now: Type.String({ description: 'server time, ISO 8601 +08:00' }),
});
