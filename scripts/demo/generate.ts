import { createHash } from 'node:crypto';
import type { Dataset } from '../../server/store/records.ts';
import { buildGeography } from './geography.ts';
import { simulateProblems } from './problems.ts';
import { Random } from './random.ts';

export const GENERATOR_VERSION = 1;

export interface DemoOptions {
  seed: number;
  /** Number of problems, 0 to 1,000,000. */
  count: number;
  /** Instant the simulated year ends at; the demo's "now". */
  endMs: number;
}

/**
 * The demo town 盐东镇 with a year of problems. Deterministic: the same options give the same
 * dataset on every machine. Problems are produced lazily, so a million never sit in memory.
 */
export function generateDemo(options: DemoOptions): Dataset {
  // Geography and problems draw from separate streams, so the town does not change with the count.
  const geo = buildGeography(new Random(options.seed));
  const problemRng = new Random(options.seed ^ 0x5bd1e995);
  return {
    kind: 'demo',
    origin: { generator: 'scripts/demo', version: GENERATOR_VERSION, seed: options.seed, count: options.count, end: new Date(options.endMs).toISOString() },
    town: geo.town,
    communities: geo.communities,
    grids: geo.grids,
    units: geo.units,
    sites: geo.sites,
    basemap: geo.basemap,
    problems: { [Symbol.iterator]: () => simulateProblems(problemRng, geo, options) },
  };
}

/** SHA-256 over a dataset's full content, geography and every problem with its events. */
export function datasetHash(dataset: Dataset): string {
  const hash = createHash('sha256');
  const { problems, ...rest } = dataset;
  hash.update(JSON.stringify(rest));
  for (const draft of problems) hash.update(JSON.stringify(draft));
  return hash.digest('hex');
}
