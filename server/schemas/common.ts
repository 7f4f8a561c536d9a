import { Type } from 'typebox';

/** Every 4xx/5xx answer: the field at fault (or null), the reason in Chinese and a machine code. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    code: Type.String({ description: 'machine-readable reason, e.g. invalid_parameter, out_of_range, not_found' }),
    field: Type.Union([Type.String(), Type.Null()], { description: 'the parameter or body field at fault' }),
    message: Type.String({ description: '中文说明' }),
  },
  { $id: 'ErrorResponse', description: 'Error' },
);

export const errorResponses = {
  400: ErrorResponse,
  404: ErrorResponse,
  500: ErrorResponse,
};

/** The refusals of a route that needs a signed-in caller: 401 (nobody signed in) and 403 (not allowed). */
export const guardedResponses = {
  401: ErrorResponse,
  403: ErrorResponse,
};

/** A GeoJSON FeatureCollection (RFC 7946). Bulk routes send it pre-serialized. */
export const FeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
        geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
        properties: Type.Object({}, { additionalProperties: true }),
      }),
    ),
  },
  { additionalProperties: true },
);

const codeList = (what: string) => Type.String({ maxLength: 512, pattern: '^[a-z_]+(,[a-z_]+)*$', description: `${what}; several separated by commas` });

const areaId = (what: string) => Type.String({ maxLength: 64, pattern: '^[a-z0-9-]+$', description: what });

/** Filters shared by the problem list and every statistic. */
export const problemFilterProperties = {
  bbox: Type.Optional(Type.String({ maxLength: 128, description: 'minLon,minLat,maxLon,maxLat (WGS84)', examples: ['120.36,33.34,120.38,33.36'] })),
  category: Type.Optional(codeList('category code (问题类型)')),
  status: Type.Optional(codeList('status: reported, open, in_progress, awaiting_verification, closed')),
  source: Type.Optional(codeList('source (来源)')),
  grid: Type.Optional(
    Type.String({ maxLength: 4096, pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'grid id; several separated by commas (a grid manager’s grids)' }),
  ),
  community: Type.Optional(areaId('community id')),
  unit: Type.Optional(areaId('responsible unit id')),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'reported on or after: YYYY-MM-DD (Asia/Shanghai) or ISO 8601 instant' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'reported on or before: YYYY-MM-DD (whole day, Asia/Shanghai) or ISO 8601 instant' })),
  overdue: Type.Optional(Type.Boolean({ description: 'true: only overdue (逾期) problems; false: only those not overdue' })),
};

export const ProblemFilterQuery = Type.Object(problemFilterProperties, { additionalProperties: false });
