import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';
import { probePostgres } from './tests/pg-probe.ts';

/**
 * API test files that run a second time on PostgreSQL (TEST_STORE=postgres): the ones whose routes
 * write most (transitions, reports, imports, rounds, projects, patrols, boundaries, sign-in).
 * Every store call is also covered on both stores by tests/unit/store*-conformance.test.ts.
 */
const ON_POSTGRES = [
  'tests/api/workflow.test.ts',
  'tests/api/imports.test.ts',
  'tests/api/inspections.test.ts',
  'tests/api/projects.test.ts',
  'tests/api/patrols.test.ts',
  'tests/api/boundaries.test.ts',
  'tests/api/auth.test.ts',
];

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const pgUrl = await probePostgres();
  return {
    test: {
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks' as const,
      provide: { pgUrl },
      projects: [
        { extends: true, test: { name: 'all', include: ['tests/**/*.test.ts'] } },
        ...(pgUrl ? [{ extends: true as const, test: { name: 'api-on-postgres', include: ON_POSTGRES, env: { TEST_STORE: 'postgres' } } }] : []),
      ] satisfies TestProjectInlineConfiguration[],
    },
  };
});
