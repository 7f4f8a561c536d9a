import { generateDemo } from '../scripts/demo/generate.ts';
import { type Recurrence, RecurrenceFinder } from './analytics/recurrences.ts';
import type { Store } from './store/store.ts';

/** Loads the demo town into an empty store; a store that holds data is left alone. */
export async function seedDemoIfEmpty(
  store: Store,
  options: { seed: number; count: number; now: number },
): Promise<{ loaded: boolean; problems: number; events: number }> {
  if (!(await store.isEmpty())) return { loaded: false, problems: 0, events: 0 };
  const result = await store.load(generateDemo({ seed: options.seed, count: options.count, endMs: options.now }));
  await markRecurrences(store);
  return { loaded: true, ...result };
}

/** Finds the recurrences (反弹) in a freshly loaded history (problems in report order) and stores them; returns how many. */
export async function markRecurrences(store: Store): Promise<number> {
  const finder = new RecurrenceFinder();
  const found: Recurrence[] = [];
  for await (const batch of store.scanProblems()) {
    for (const p of batch) {
      const r = finder.add(p);
      if (r) found.push(r);
    }
  }
  return store.addRecurrences(found);
}
