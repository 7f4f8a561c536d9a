import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoDatabase, seconds, startServer } from './bench/server.ts';

/**
 * Benchmark, not a test: prints figures. Generates a demo town with --count problems (default
 * 100,000) and starts the API server in its own process, then downloads each export of every
 * problem over HTTP (the .xlsx 台账, CSV, GeoJSON, KML in GCJ-02 and the shapefile .zip) and prints the time to the
 * last byte and the size; then uploads that .xlsx to the import's dry run (every row read, judged
 * and checked against the town's problems: here each is one already there) and prints its time.
 *   npm run bench:import -- [--count N]
 */
const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 100 || count > 1_000_000) throw new Error('--count must be 100–1000000');

const dir = mkdtempSync(join(tmpdir(), 'chuangwen-bench-import-'));
try {
  console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; ${count} problems`);
  await demoDatabase(join(dir, 'bench.db'), count);
  const server = await startServer(join(dir, 'bench.db'), 'admin');
  try {
    let xlsx: Buffer | null = null;
    for (const query of ['format=xlsx', 'format=csv', 'format=geojson', 'format=kml&crs=gcj02', 'format=shp']) {
      const t = performance.now();
      const res = await fetch(`${server.base}/api/export/problems?${query}`, { headers: { cookie: server.cookie } });
      if (!res.ok || !res.body) throw new Error(`${query}: HTTP ${res.status} ${await res.text()}`);
      let bytes = 0;
      let first = 0;
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (bytes === 0) first = performance.now() - t;
        bytes += r.value.byteLength;
        if (query === 'format=xlsx') chunks.push(r.value);
      }
      if (query === 'format=xlsx') xlsx = Buffer.concat(chunks);
      const ms = performance.now() - t;
      console.log(`export ${query.padEnd(20)} ${seconds(ms).padStart(7)} to the last byte (first byte ${seconds(first)}), ${(bytes / 1e6).toFixed(1)} MB`);
    }
    console.log("the issue's budget: export of 100,000 rows ≤ 20 s");
    if (xlsx) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(xlsx)]), '台账.xlsx');
      const t = performance.now();
      const res = await fetch(`${server.base}/api/imports/dry-run`, { method: 'POST', headers: { cookie: server.cookie, origin: server.base }, body: form });
      const answer = (await res.json()) as { counts?: Record<string, number>; message?: string };
      if (!res.ok) throw new Error(`dry run: HTTP ${res.status} ${answer.message}`);
      console.log(
        `dry run of the ${(xlsx.length / 1e6).toFixed(1)} MB .xlsx: ${seconds(performance.now() - t)} (${JSON.stringify(answer.counts)}); the issue's budget: 60 s`,
      );
    }
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
