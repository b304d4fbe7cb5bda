import { join } from 'node:path';
import { expect, test } from 'vitest';
import { nestedEnv, runFromRoot, RUN_TIMEOUT_MS } from '../../fixtures/cli-run.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';

// Needs: Docker, every proxy build's image. The version matrix (`npm run test:matrix`,
// scripts/matrix.ts: the shipped configs on every proxy version, each cell as expected) as
// `npm test` runs it: beside the catalog's files, its `wspc check` run taking this run's turns.
// Alone after the catalog it added 155 s to `npm test` (`npm run bench:suite`, 2026-12-07).
test('the version matrix: every cell as expected (npm run test:matrix)', { timeout: RUN_TIMEOUT_MS }, async () => {
  const run = await runFromRoot(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/matrix.ts'], nestedEnv());
  // The table, as `npm run test:matrix` prints it.
  console.log(run.stdout);
  expect({ code: run.code, output: run.code === 0 ? '' : `${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}` }).toEqual({ code: 0, output: '' });
});
