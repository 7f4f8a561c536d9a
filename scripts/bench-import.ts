import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoDatabase, seconds, startServer } from './bench/server.ts';

/**
 * Benchmark, not a test: prints figures. Generates a demo town with --count problems (default
 * 100,000) and starts the API server in its own process, then downloads each export of every
 * problem over HTTP (the .xlsx 台账, CSV, GeoJSON and KML in GCJ-02) and prints the time to the
 * last byte and the size. (The import wizard's dry run is not built yet.)
 *   npm run bench:import -- [--count N]
 */
const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 100 || count > 1_000_000) throw new Error('--count must be 100–1000000');

const dir = mkdtempSync(join(tmpdir(), 'chuangwen-bench-import-'));
try {
  console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; ${count} problems`);
  await demoDatabase(join(dir, 'bench.db'), count);
  const server = await startServer(join(dir, 'bench.db'));
  try {
    for (const query of ['format=xlsx', 'format=csv', 'format=geojson', 'format=kml&crs=gcj02']) {
      const t = performance.now();
      const res = await fetch(`${server.base}/api/export/problems?${query}`, { headers: { cookie: server.cookie } });
      if (!res.ok || !res.body) throw new Error(`${query}: HTTP ${res.status} ${await res.text()}`);
      let bytes = 0;
      let first = 0;
      const reader = res.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (bytes === 0) first = performance.now() - t;
        bytes += r.value.byteLength;
      }
      const ms = performance.now() - t;
      console.log(`export ${query.padEnd(20)} ${seconds(ms).padStart(7)} to the last byte (first byte ${seconds(first)}), ${(bytes / 1e6).toFixed(1)} MB`);
    }
    console.log("the issue's budget: export of 100,000 rows ≤ 20 s");
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
