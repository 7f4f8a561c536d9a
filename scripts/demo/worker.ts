import { parentPort, workerData } from 'node:worker_threads';
import { Random } from '../../server/domain/random.ts';
import { toBatch } from '../../server/store/problem-batch.ts';
import type { ProblemDraft } from '../../server/store/records.ts';
import type { DemoOptions } from './generate.ts';
import { buildGeography } from './geography.ts';
import { simulateProblems } from './problems.ts';
import { PROBLEM_STREAM_SALT } from './streams.ts';

/** Runs the problem simulation off the main thread and posts batches as the consumer asks for them. */
const options = workerData as DemoOptions & { batchSize: number; credit: number };
const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');
const geo = buildGeography(new Random(options.seed));
const problems = simulateProblems(new Random(options.seed ^ PROBLEM_STREAM_SALT), geo, options);
let credit = options.credit;
let done = false;

function pump(): void {
  while (credit > 0 && !done) {
    const batch: ProblemDraft[] = [];
    for (let r = problems.next(); ; r = problems.next()) {
      if (r.done) {
        done = true;
        break;
      }
      batch.push(r.value);
      if (batch.length === options.batchSize) break;
    }
    credit--;
    port?.postMessage({ batch: toBatch(batch), done });
  }
}

port.on('message', () => {
  credit++;
  pump();
});
pump();
