import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Random } from '../../server/domain/random.ts';
import type { ProblemBatch } from '../../server/store/problem-batch.ts';
import type { Dataset, ProblemDraft } from '../../server/store/records.ts';
import { buildGeography } from './geography.ts';
import { simulateProblems } from './problems.ts';
import { PROBLEM_STREAM_SALT } from './streams.ts';

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
export function generateDemo(options: DemoOptions): Dataset & { problems: Iterable<ProblemDraft> } {
  const geo = buildGeography(new Random(options.seed));
  const problemRng = new Random(options.seed ^ PROBLEM_STREAM_SALT);
  return {
    kind: 'demo',
    origin: { generator: 'scripts/demo', version: GENERATOR_VERSION, seed: options.seed, count: options.count, end: new Date(options.endMs).toISOString() },
    town: geo.town,
    communities: geo.communities,
    grids: geo.grids,
    units: geo.units,
    sites: geo.sites,
    basemap: geo.basemap,
    dispatchRules: geo.dispatchRules,
    problems: { [Symbol.iterator]: () => simulateProblems(problemRng, geo, options) },
  };
}

/**
 * The same dataset as `generateDemo`, with the problems simulated in a worker thread so that
 * generating and writing overlap on two cores. For large counts; yields problems asynchronously.
 */
export function generateDemoInWorker(options: DemoOptions): Dataset {
  const base = generateDemo({ ...options, count: 0 });
  return {
    ...base,
    origin: { ...base.origin, count: options.count },
    problems: { [Symbol.asyncIterator]: () => workerBatches(options) },
  };
}

async function* workerBatches(options: DemoOptions): AsyncGenerator<ProblemBatch> {
  // The worker is TypeScript too: it registers tsx's loader, which a worker does not inherit, first.
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { ...options, batchSize: 2000, credit: 6 } });
  const queue: { batch: ProblemBatch; done: boolean }[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (m: { batch: ProblemBatch; done: boolean }) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
      wake = null;
      if (failure) throw failure;
      const m = queue.shift() as { batch: ProblemBatch; done: boolean };
      worker.postMessage('more');
      yield m.batch;
      if (m.done) return;
    }
  } finally {
    await worker.terminate();
  }
}

/** SHA-256 over a dataset's full content, geography and every problem with its events. */
export function datasetHash(dataset: Dataset & { problems: Iterable<ProblemDraft> }): string {
  const hash = createHash('sha256');
  const { problems, ...rest } = dataset;
  hash.update(JSON.stringify(rest));
  for (const draft of problems) hash.update(JSON.stringify(draft));
  return hash.digest('hex');
}
