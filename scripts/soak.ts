// `npm run soak -- N`: `npm test`'s checks phase (every check and control) and its catalog phase
// (the CLI end to end and the version matrix, `npm run test:catalog`), N times in a row, images
// cached. Prints, per test and matrix cell, how many runs it failed, the wall time of each run, the
// scheduling noise a process beside the suite saw (timer lateness, steps of the wall clock), and how
// often Chromium reported a network change. Exits 1 if any run failed. A flake is a bug: find its cause.
//
// The matrix is here because CI runs it and its columns are real timing verdicts too: the soak once
// covered the checks phase only, and 13 green soak runs missed what failed fresh-clone CI of 8fb47be
// (nginx@1.18's idle-timeout-24h read 2 ms short of 24 h at 1:10,000; 1 of 3 local matrix runs).
// It runs as CI runs it: beside the catalog's other `wspc check` runs, sharing their turns.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { STEP_MS, wallClockOffset } from '../fixtures/timeouts/wall-clock.ts';

const runs = Number(process.argv[2] ?? '10');
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`usage: npm run soak -- N   (N: runs, 1 to 100; got "${process.argv[2]}")`);
  process.exit(2);
}

interface VitestJson {
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ fullName: string; status: string }> }>;
}

/**
 * Beside the suite: how late a 20 ms timer fires, in ms (what a check's own timers suffer too), and
 * how often the wall clock stepped against the monotonic one (fixtures/timeouts/wall-clock.ts).
 */
function watchNoise() {
  const late: number[] = [];
  const steps: number[] = [];
  let expected = performance.now() + 20;
  let offset = wallClockOffset();
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - expected));
    expected = now + 20;
    const wall = wallClockOffset();
    if (wall === undefined) return;
    if (offset !== undefined && Math.abs(wall - offset) > STEP_MS) steps.push(wall - offset);
    offset = wall;
  }, 20);
  return () => {
    clearInterval(timer);
    const sorted = late.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const largest = steps.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, steps: steps.length, largestStep: largest };
  };
}

function networkChangesSeenByChromium(): number {
  const dir = join('reports', 'failures');
  if (!existsSync(dir)) return 0;
  let count = 0;
  for (const entry of readdirSync(dir)) {
    const log = join(dir, entry, 'browser-console.log');
    if (existsSync(log)) count += (readFileSync(log, 'utf8').match(/ERR_NETWORK_CHANGED/g) ?? []).length;
  }
  return count;
}

/** One vitest run of `projects`, its JSON report in `jsonFile`; resolves with its exit code. */
function vitestOnce(projects: string[], jsonFile: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=dot', '--reporter=json', '--reporter=./fixtures/report/outside-checklist.ts', `--outputFile.json=${jsonFile}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, CI: 'true', ...env },
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** The catalog phase once (`npm run test:catalog`): its exit code, wall time and the matrix cells not as expected ("nginx@1.18 idle-timeout-24h"). */
async function catalogOnce(jsonFile: string): Promise<{ code: number; cells: string[]; wall: number }> {
  // The matrix names them in reports/matrix/unexpected.json; one left by an earlier run must not count.
  const named = join('reports', 'matrix', 'unexpected.json');
  rmSync(named, { force: true });
  rmSync(join('reports', 'catalog', 'outside-checklist.json'), { force: true });
  const started = performance.now();
  const code = await vitestOnce(['catalog', 'catalog-alone'], jsonFile, { WSPC_REPORTS_DIR: join('reports', 'catalog') });
  const cells = existsSync(named) ? (JSON.parse(readFileSync(named, 'utf8')) as Array<{ cell: string }>).map((u) => u.cell) : [];
  return { code, cells, wall: (performance.now() - started) / 1000 };
}

const failures = new Map<string, number>();
/** One more run in which `key` (a test, a matrix cell) failed. */
const countFailure = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);

/**
 * Counts a vitest JSON report's tests and failures into `failures`: failed tests, files that failed
 * without a test, and unhandled errors (which fail a run with every test passed: the JSON has no
 * entry for them; the outside-checklist reporter writes them to `outsideFile`).
 */
function tally(jsonFile: string, outsideFile: string): { total: number; failed: number } {
  let failed = 0;
  let total = 0;
  const count = (key: string) => {
    countFailure(key);
    failed++;
  };
  if (existsSync(jsonFile)) {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as VitestJson;
    for (const file of report.testResults) {
      if (file.assertionResults.length === 0 && file.status === 'failed') count(`${file.name} (file failed: ${file.message?.split('\n')[0] ?? ''})`);
      for (const test of file.assertionResults) {
        total++;
        if (test.status === 'failed') count(test.fullName);
      }
    }
  }
  if (existsSync(outsideFile)) {
    for (const line of (JSON.parse(readFileSync(outsideFile, 'utf8')) as { failures: string[] }).failures.filter((f) => f.startsWith('unhandled error'))) count(line);
  }
  return { total, failed };
}
const rows: string[] = [];
let failedRuns = 0;
const dir = mkdtempSync(join(tmpdir(), 'wspc-soak-'));
for (let i = 1; i <= runs; i++) {
  console.error(`[soak] run ${i} of ${runs}`);
  const jsonFile = join(dir, `run-${i}.json`);
  const noise = watchNoise();
  const started = performance.now();
  // The run's backend writes how late its event loop ran (fixtures/backend/server.ts, loopDelay).
  rmSync(join('reports', 'backend.json'), { force: true });
  rmSync(join('reports', 'outside-checklist.json'), { force: true });
  const code = await vitestOnce(['checks', 'meta', 'timing', 'meta-timing', 'capacity'], jsonFile);
  const wall = (performance.now() - started) / 1000;
  const lateness = noise();
  const { total, failed: failedHere } = tally(jsonFile, join('reports', 'outside-checklist.json'));
  const changes = networkChangesSeenByChromium();
  const backendFile = join('reports', 'backend.json');
  const loop = existsSync(backendFile) ? (JSON.parse(readFileSync(backendFile, 'utf8')) as { loopDelay: { p99Ms: number; maxMs: number } }).loopDelay : undefined;
  const catalogJson = join(dir, `catalog-${i}.json`);
  const catalog = await catalogOnce(catalogJson);
  const catalogTally = tally(catalogJson, join('reports', 'catalog', 'outside-checklist.json'));
  // A cell not as expected fails the matrix's test; the cells say which.
  for (const cell of catalog.cells) countFailure(`matrix: ${cell}`);
  // A run that failed with no test named (its setup, say) is counted by its exit code.
  if (catalog.code !== 0 && catalogTally.failed === 0) countFailure(`catalog: exit ${catalog.code}, no test named`);
  const green = code === 0 && failedHere === 0 && catalog.code === 0 && catalogTally.failed === 0;
  if (!green) failedRuns++;
  rows.push(
    `| ${i} | ${green ? 'green' : `red (checks exit ${code}, catalog exit ${catalog.code})`} | ${total - failedHere}/${total} | ${wall.toFixed(1)} s | ${catalogTally.total - catalogTally.failed}/${catalogTally.total}, matrix ${catalog.cells.length === 0 ? 'as expected' : `${catalog.cells.length} cell(s) not`} (${catalog.wall.toFixed(1)} s) | ${lateness.p50.toFixed(1)} / ${lateness.p99.toFixed(1)} / ${lateness.max.toFixed(0)} ms | ${lateness.steps === 0 ? 'none' : `${lateness.steps}, largest ${lateness.largestStep.toFixed(1)} ms`} | ${loop ? `${loop.p99Ms.toFixed(1)} / ${loop.maxMs.toFixed(0)} ms` : 'not reported'} | ${changes} |`,
  );
  // Each run's row as it ends: a long soak shows where it stands.
  console.error(`[soak] ${rows.at(-1)}`);
}

console.log(`\n## Soak: ${runs} run(s) of the checks phase and the catalog phase (with the version matrix), ${runs - failedRuns} green\n`);
console.log('| run | verdict | tests passed | checks wall | catalog: tests passed, matrix (wall) | timer lateness p50 / p99 / max (checks) | wall clock steps (checks) | backend event loop late p99 / max | ERR_NETWORK_CHANGED in Chromium |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log(failures.size === 0 ? '\nNo test or matrix cell failed in any run.' : '\n| test or matrix cell | runs failed |\n| --- | --- |');
for (const [name, count] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${count} of ${runs} |`);
process.exit(failedRuns > 0 ? 1 : 0);
