import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemoAssessment } from '../scripts/demo/assessment.ts';
import { buildApp } from './app.ts';
import { scheduleAuditPurge } from './auth/audit-retention.ts';
import { createFirstAccounts, demoAssignments, INITIAL_PASSWORDS_FILE } from './auth/bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { seedDemoIfEmpty, seedDemoPatrols, seedDemoPhotos } from './demo-seed.ts';
import { PhotoFiles } from './photos.ts';
import { openStores } from './store/open.ts';
import { TownData } from './town-data.ts';
import { WALL_CONFIG_FILE } from './wall-config.ts';

/** Days an Idempotency-Key is remembered (at least 7, as the API promises). */
const IDEMPOTENCY_KEY_DAYS = 7;
/** Days a patrol's track (where a person was: personal information) is kept. */
const TRACK_DAYS = 180;

async function main(): Promise<void> {
  const config = loadConfig();
  // The data folder holds accounts, reporters' phones and photos: the server's user alone reads it
  // (0700), and what the server creates in it is 0600 / 0700.
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  const { store, accounts, describe, bus, rateLimitStore, startupLock } = await openStores(config);
  console.log(`database: ${describe}`);
  const photoDir = join(config.dataDir, 'photos');
  // Several processes on one PostgreSQL database start together: one seeds, the others find it done.
  await startupLock(async () => {
    if (config.demo) {
      const seeded = await seedDemoIfEmpty(store, { seed: config.demoSeed, count: config.demoCount, now: Date.now() });
      if (seeded.loaded) {
        const photos = await seedDemoPhotos(store, new PhotoFiles(photoDir), Date.now());
        console.log(
          `loaded the demo town 盐东镇: ${seeded.problems} problems, ${seeded.events} events, photos on ${photos.problems} recent problems from ${photos.files} drawn scenes (演示数据)`,
        );
      }
      // The demo's past patrols: on a new demo town, and on one made before patrols were recorded.
      if ((await store.datasetInfo())?.kind === 'demo' && (await store.patrols.list({ limit: 1 })).length === 0) {
        const n = await seedDemoPatrols(store, await TownData.fromStore(store), { seed: config.demoSeed, now: Date.now() });
        console.log(`added ${n} past patrols of the demo town's grid managers (演示数据)`);
      }
      // The demo's assessment year (rounds, checks, key projects): likewise, on a demo town without rounds.
      if ((await store.datasetInfo())?.kind === 'demo' && (await store.inspections.rounds()).length === 0) {
        const a = await seedDemoAssessment(store, await TownData.fromStore(store), { seed: config.demoSeed, now: Date.now() });
        console.log(
          `added a year of inspections (${a.rounds} rounds, ${a.checks} site checks, ${a.problems} problems from failed items) and ${a.projects} key projects (演示数据)`,
        );
      }
    }
  });
  if (await store.isEmpty()) {
    console.error('the database is empty and DEMO=off: load a dataset first (npm run generate -- --help)');
    process.exit(1);
  }
  const app = await buildApp({
    store,
    bus,
    accounts,
    authPolicy: config.authPolicy,
    photoDir,
    wallConfigPath: join(config.dataDir, WALL_CONFIG_FILE),
    tianditu: { ...config.tianditu, cacheDir: join(config.dataDir, 'tiles'), capBytes: config.tianditu.cacheMb * 1024 * 1024 },
    // local basemaps: .pmtiles archives copied into data/basemaps are offered in the switcher
    basemapDir: join(config.dataDir, 'basemaps'),
    rateLimits: { perMinute: config.rateLimitPerMinute, loginPerMinute: config.loginRateLimitPerMinute },
    rateLimitStore,
    trustProxy: config.trustProxy,
    logger: { level: config.logLevel },
  });
  const first = await startupLock(() =>
    createFirstAccounts(accounts, {
      dataDir: config.dataDir,
      demo: config.demo,
      now: Date.now(),
      ...demoAssignments(app),
    }),
  );
  const stopAuditPurge = scheduleAuditPurge(accounts, config.auditRetentionDays, {
    purged: (n) => n > 0 && app.log.info({ rows: n, days: config.auditRetentionDays }, 'purged old audit rows'),
    failed: (e) => app.log.error(e, 'audit purge failed'),
  });
  // Idempotency keys are kept 7 days (a retry comes within minutes; a week covers a device offline over a
  // holiday); patrol tracks 180 days.
  const purgeKeys = () =>
    Promise.all([
      store.purgeIdempotencyKeys(Date.now() - IDEMPOTENCY_KEY_DAYS * 86_400_000).then(
        (n) => n > 0 && app.log.info({ rows: n }, 'purged old idempotency keys'),
        (e) => app.log.error(e, 'idempotency key purge failed'),
      ),
      store.patrols.purgeTracks(Date.now() - TRACK_DAYS * 86_400_000).then(
        (n) => n > 0 && app.log.info({ patrols: n, days: TRACK_DAYS }, 'deleted old patrol tracks'),
        (e) => app.log.error(e, 'patrol track purge failed'),
      ),
    ]);
  void purgeKeys();
  const keyTimer = setInterval(purgeKeys, 86_400_000);
  keyTimer.unref();
  const stopPurge = () => {
    stopAuditPurge();
    clearInterval(keyTimer);
  };

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stopPurge();
    // Keep-alive connections (nginx keeps some to each process) that go idle after the close
    // began would otherwise hold it until their timeout; in-flight requests still finish.
    const idle = setInterval(() => app.server.closeIdleConnections(), 250);
    idle.unref();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const passwords = join(config.dataDir, INITIAL_PASSWORDS_FILE);
  if (first) {
    console.log('\nfirst start: accounts created with random passwords (shown this once; also in the file below, readable by you only)');
    for (const a of first) console.log(`  ${a.username}: ${a.password}`);
    console.log(`  file: ${passwords}`);
  } else {
    console.log(`\nsign in with an existing account${existsSync(passwords) ? ` (first-start passwords: ${passwords})` : ''}`);
  }
  console.log(`创文一张图: ${base}/   (API docs: ${base}/api/docs)`);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`configuration error: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
