import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { type Static, Type } from 'typebox';
import Value from 'typebox/value';

/**
 * The wall display's settings (大屏配置): its title, the scenes of its auto tour and their interval,
 * how long it waits after a touch, and the thresholds of its colours. An admin edits them in a JSON
 * file in the data directory (`wall.json`); the wall reads them on every load, so an edit shows at
 * the next reload of the wall (or the next tour round). What the file leaves out takes the
 * defaults below.
 */
export const WALL_CONFIG_FILE = 'wall.json';

const Mode = Type.Union([Type.Literal('heat'), Type.Literal('hex'), Type.Literal('grid'), Type.Literal('patrol')], {
  description: 'the map layer of the scene: heat, hex (3D), grid (整改率 by grid), patrol (巡查覆盖: days since each grid was last patrolled)',
});

export const Scene = Type.Object(
  {
    target: Type.Union([Type.Literal('town'), Type.Literal('community'), Type.Literal('top-community'), Type.Literal('most-overdue-grid')], {
      description:
        'town: the whole town; community: `communityId`; top-community: the `rank`-th community by problems per km²; most-overdue-grid: the grid with the most overdue problems',
    }),
    communityId: Type.Optional(Type.String({ maxLength: 64 })),
    rank: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    caption: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'shown while the scene is on; generated when left out' })),
    mode: Type.Optional(Mode),
  },
  { additionalProperties: false },
);

export const WallConfigFile = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600, description: 'seconds each scene stays' })),
    resumeAfterSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600, description: 'quiet seconds after a touch before the tour resumes' })),
    scenes: Type.Optional(Type.Array(Scene, { minItems: 1, maxItems: 20 })),
    thresholds: Type.Optional(
      Type.Object(
        {
          rateGood: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '整改率 at or above: green' })),
          rateWarn: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '整改率 below: red (between: amber)' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type WallConfigInput = Static<typeof WallConfigFile>;
export type WallScene = Static<typeof Scene>;

export interface WallConfig {
  title: string;
  intervalSeconds: number;
  resumeAfterSeconds: number;
  scenes: WallScene[];
  thresholds: { rateGood: number; rateWarn: number };
}

/** The defaults for a town: its whole area, its two densest communities, the grid most behind, the grid choropleth, the hexagons and 巡查覆盖. */
export function defaultWallConfig(townName: string): WallConfig {
  return {
    title: `${townName}创建全国文明城市指挥调度中心`,
    intervalSeconds: 20,
    resumeAfterSeconds: 60,
    scenes: [
      { target: 'town', mode: 'heat' },
      { target: 'top-community', rank: 1, mode: 'heat' },
      { target: 'top-community', rank: 2, mode: 'heat' },
      { target: 'most-overdue-grid', mode: 'heat' },
      { target: 'town', mode: 'grid', caption: '各网格整改率' },
      { target: 'town', mode: 'hex', caption: '问题密度（三维）' },
      { target: 'town', mode: 'patrol', caption: '巡查覆盖 · 距上次巡查天数' },
    ],
    thresholds: { rateGood: 0.9, rateWarn: 0.8 },
  };
}

/**
 * Checks a wall configuration against the schema and the town: every error names its field
 * (`scenes/2/communityId`) and says why, in Chinese, for the admin who edited the file.
 */
export function checkWallConfig(input: unknown, communityIds: ReadonlySet<string>): { field: string; message: string }[] {
  // One message per field (a union reports each branch; the last says it all).
  const byField = new Map<string, string>();
  for (const e of Value.Errors(WallConfigFile, input)) byField.set(e.instancePath.slice(1) || '(根)', e.message);
  const errors = [...byField].map(([field, message]) => ({ field, message }));
  if (errors.length > 0) return errors;
  const config = input as WallConfigInput;
  config.scenes?.forEach((s, i) => {
    const field = `scenes/${i}/communityId`;
    if (s.target === 'community' && !s.communityId) errors.push({ field, message: 'target 为 community 时必须指定村居' });
    if (s.communityId !== undefined && !communityIds.has(s.communityId)) errors.push({ field, message: `未知的村居 ${s.communityId}` });
  });
  const t = config.thresholds;
  if (t?.rateGood !== undefined && t.rateWarn !== undefined && t.rateWarn > t.rateGood)
    errors.push({ field: 'thresholds/rateWarn', message: '不能高于 rateGood' });
  return errors;
}

/** The errors of checkWallConfig as one line: `field：why；field：why`. */
export const describeWallConfigErrors = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}：${e.message}`).join('；');

/**
 * Writes the settings an admin saved to `path`: a whole new file put in place by a rename, so the
 * wall (or a reader of the file) never sees half of it.
 */
export function writeWallConfig(path: string, config: WallConfigInput): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Reads `path` when it changed since the last read; keeps the last good configuration when the file is wrong, and says why. */
export class WallConfigSource {
  #mtime = -1;
  #config: WallConfig;
  #error: string | null = null;

  constructor(
    private readonly path: string | null,
    private readonly defaults: WallConfig,
    private readonly communityIds: ReadonlySet<string>,
  ) {
    this.#config = defaults;
  }

  /** Reads the file again at the next call, even if its modification time looks the same (it was just written). */
  invalidate(): void {
    this.#mtime = -1;
  }

  /** The configuration in force, whether it came from the file, and what is wrong with the file (null when nothing). */
  current(): { config: WallConfig; fromFile: boolean; error: string | null } {
    if (this.path === null) return { config: this.defaults, fromFile: false, error: null };
    let mtime: number;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch {
      this.#mtime = -1;
      this.#config = this.defaults;
      this.#error = null;
      return { config: this.defaults, fromFile: false, error: null };
    }
    if (mtime !== this.#mtime) {
      this.#mtime = mtime;
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(this.path, 'utf8'));
      } catch (e) {
        this.#error = `${this.path} 不是有效的 JSON：${(e as Error).message}`;
        return { config: this.#config, fromFile: this.#config !== this.defaults, error: this.#error };
      }
      const errors = checkWallConfig(input, this.communityIds);
      if (errors.length > 0) {
        this.#error = describeWallConfigErrors(errors);
      } else {
        const c = input as WallConfigInput;
        this.#config = {
          ...this.defaults,
          ...c,
          scenes: c.scenes ?? this.defaults.scenes,
          thresholds: { ...this.defaults.thresholds, ...c.thresholds },
        };
        this.#error = null;
      }
    }
    return { config: this.#config, fromFile: this.#config !== this.defaults, error: this.#error };
  }
}
