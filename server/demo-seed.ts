import { generateDemo } from '../scripts/demo/generate.ts';
import type { Store } from './store/store.ts';

/** Loads the demo town into an empty store; a store that holds data is left alone. */
export async function seedDemoIfEmpty(
  store: Store,
  options: { seed: number; count: number; now: number },
): Promise<{ loaded: boolean; problems: number; events: number }> {
  if (!(await store.isEmpty())) return { loaded: false, problems: 0, events: 0 };
  const result = await store.load(generateDemo({ seed: options.seed, count: options.count, endMs: options.now }));
  return { loaded: true, ...result };
}
