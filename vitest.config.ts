import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { settings } from './fixtures/settings.ts';
import { configureTestcontainers } from './fixtures/runtime/docker/engine.ts';

configureTestcontainers();

/**
 * Checks whose verdict is a measured duration or latency. They run as a group of their own, after
 * every other check has finished, so Chromium and the bursts of the other checks do not share the
 * 2 cores with their waits (on a 2-core machine the load average reached 6-11 with everything at
 * once, and a 150 ms scheduling delay was a 9 s error at 1:60). Within the group, container starts
 * and timed waits take turns (fixtures/lab/turns.ts).
 *
 * `wspc check` (WSPC_TARGETS) runs them in the other checks' group: its waits then begin while the
 * other checks run, and the turns keep every browser session and container start apart from the
 * timed waits. Measured on 2 cores (2026-12-07, `wspc check`, images cached, keepalive untimed):
 * one config 21.2-22.9 s in 5 runs instead of 27.6-27.9 s; the catalog test's 22 configs 121 and
 * 168 s (no browser session beginning while timed waits wait: turns.ts) instead of 196-211 s, with
 * the same verdicts. With Chromium's headless shell (fixtures/browser/Dockerfile), one config took
 * 18.6-19.5 s in 5 runs, and later 19.5-21.9 s in 4 runs and 24.0 s in `npm run bench:suite`;
 * traced, one run of 19.3 s spent 4.7 s before the workers' first step, 2.8 s on browser sessions
 * and container starts, 9.7 s in the idle wait, 0.5 s starting backend-reachable's proxy (asked for
 * just after the wait began) and 1.3 s in no-buffering's quiet turn. The suite's own run keeps them
 * after: tried with 37 columns, when the keepalive waits were timed too, it took 154 s instead of
 * 145 s (the timed waits queued behind 117 s of browser sessions).
 */
export const timingChecks = ['tests/idle-timeout-24h.test.ts', 'tests/keepalive.test.ts', 'tests/edge-keepalive.test.ts', 'tests/no-buffering.test.ts'];

/**
 * Tests that run `wspc` (or vitest) as a user would, each starting proxies of its own: the catalog
 * through the CLI, the version matrix, the guide's snippets, a missing image, the probe of a live
 * deployment. Three files at once, after everything else: their `wspc check` runs take their turns
 * from this run's keeper (fixtures/cli-run.ts nestedEnv), so no run's container starts or browser
 * sessions land in another's timed waits. One at a time, the catalog took about 420 s and the
 * matrix after it 155 s (`npm run bench:suite`); the longest file, catalog.test.ts, 195 s alone.
 * Three at once (2026-12-07, 2 cores): 347.8 and 351.6 s for both catalog projects, and 357.6 s in
 * a fresh-clone CI; catalog.test.ts then took 272-282 s. More closes are measured again (the
 * matrix: 3, 4 and 3 of its 14 running columns, 2 in one run alone; the 22-column run: 8, 3 and 6),
 * which costs wait, not verdicts: every test passed in all three.
 */
const cliTests = ['catalog', 'matrix', 'guide-snippets', 'image-missing', 'probe'].map((name) => `tests/meta/${name}.test.ts`);
/**
 * Runs that cannot take this run's turns, after those, one at a time: two owners at once (each run
 * keeps its own turns, as two CI jobs would) and a run in a container of its own (a remote engine:
 * it cannot reach the keeper on this machine's loopback).
 */
const cliAlone = ['concurrent-runs', 'remote-engine'].map((name) => `tests/meta/${name}.test.ts`);
/**
 * Suite self-tests whose assertions are measured: closes, or how soon the socket-queue watch reports
 * a quiet path beside 300 witnesses (a 10 s window that the checks phase's browsers and bursts
 * would share the 2 cores with). After the timing checks, never in `wspc check`.
 */
export const timedMeta = ['tests/meta/timeout-contexts.test.ts', 'tests/meta/queue-watch.test.ts'];

/**
 * The idle check's measurement on real proxies (a slow handshake, a busy main thread, a stalled
 * path): in the timing group, beside the columns' waits and taking the same turns, in a worker of
 * its own (tests/meta/idle-measurement.test.ts). Not in `wspc check`, which has no controls.
 */
export const timingMeta = ['tests/meta/idle-measurement.test.ts'];

/**
 * The capacity check holds thousands of sockets a column (2,000 by default): a burst of TLS
 * handshakes that takes both cores. It runs last, alone, so no other verdict shares the cores with it.
 */
export const capacityChecks = ['tests/capacity.test.ts'];

/**
 * Within a group, the files whose tests take heavy turns come first (the timed waits, the browser
 * sessions, a second container), so those turns are asked for before the first timed wait begins:
 * a heavy step asked for once it runs waits for it to end (fixtures/lab/turns.ts). Traced on a
 * one-config `wspc check`: backend-reachable's start, asked for after the idle wait had begun,
 * waited 9.7 s for it. no-buffering's quiet turn comes last, beside the untimed keepalive waits,
 * rather than holding every start back first. Otherwise vitest's order (slowest first where it has
 * timed a file before, larger first on a fresh clone).
 */
const FIRST = [
  'tests/idle-timeout-24h.test.ts', 'tests/keepalive.test.ts', 'tests/browser.test.ts', 'tests/browser-auth-1008.test.ts', 'tests/backend-reachable.test.ts',
  // The catalog's longest files (cliTests), so the short ones fill in beside them rather than after.
  'tests/meta/catalog.test.ts', 'tests/meta/matrix.test.ts', 'tests/meta/probe.test.ts',
];
const LAST = ['tests/no-buffering.test.ts'];
class HeavyTurnsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const place = (file: TestSpecification) => {
      const first = FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return first >= 0 ? first : LAST.some((name) => file.moduleId.endsWith(name)) ? FIRST.length + 1 : FIRST.length;
    };
    const group = (file: TestSpecification) => file.project.config.sequence.groupOrder;
    const sorted = (await super.sort(files)).map((file, index) => ({ file, index }));
    return sorted.sort((a, b) => group(a.file) - group(b.file) || place(a.file) - place(b.file) || a.index - b.index).map(({ file }) => file);
  }
}

// Test files share modules within a worker (isolate: false): a one-config run spent 34 s of CPU
// importing testcontainers and Playwright once per file.
// A test's timeout is a backstop against a hang, not a bound on a verdict: every step inside has
// its own (a handshake, a page load, a socket's watch), and a test's time includes its wait for
// turns and container starts, which grows with the machine's speed. On a 2-core VM where a
// 3e8-iteration Node loop took 1.6 s, 177 tests of the main phase ran into the former 60 s / 180 s
// timeouts while still queued (every one a timeout, no wrong verdict; 986 s for the phase).
const shared = { testTimeout: 300_000, hookTimeout: 300_000, isolate: false };

/**
 * Vitest keeps the TypeScript it transformed in node_modules/.experimental-vitest-cache, by each
 * file's content, and the next run's main process reads it instead of transforming again (a fresh
 * clone's first run writes it; reinstalling the packages clears it). Measured on 2 cores, a
 * one-config `wspc check` alternating without and with it (2026-12-07): 19.7, 21.3, 19.9 s against
 * 18.9, 20.5, 19.5 s; traced, its workers began their first file 3.9-4.4 s after the command
 * instead of 4.3-5.8 s. Off where node_modules is not writable (an install owned by another user):
 * vitest 4.1 creates the folder and writes to it without catching an error.
 */
const moduleCache = (() => {
  try {
    accessSync(join(import.meta.dirname, 'node_modules'), constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

export default defineConfig({
  test: {
    experimental: { fsModuleCache: moduleCache },
    // One lab for the whole run: projects do not extend this config, so the global setup (backend,
    // certificates, every column's proxy) runs once and every project injects the same lab.
    globalSetup: ['fixtures/lab/global-setup.ts'],
    sequence: { sequencer: HeavyTurnsFirst },
    // Checks mostly wait on sockets and containers, not the CPU.
    maxWorkers: 4,
    // JUnit XML (what GitLab, Jenkins, Azure and GitHub test reporters read) beside the checklist:
    // one testcase per check and column ("http11 passes on nginx"), the detail and diagnostics
    // folder in a failure's message.
    // The outside-checklist reporter: what failed beyond the checklist (a self-test, an unhandled
    // error), printed last by the lab's teardown so a CI log's tail names it.
    reporters: ['default', ['junit', { outputFile: join(settings.reportsDir(import.meta.dirname), 'junit.xml') }], './fixtures/report/outside-checklist.ts'],
    // `npm test` runs checks, meta and timing, then `npm run test:catalog` the catalog (whole
    // `wspc check` runs, which would only add load beside the others); `wspc check` runs checks and timing.
    projects: [
      // Every check runs on every column (shipped, catalog, customer-shaped configs), 8 columns at once.
      { test: { ...shared, name: 'checks', include: ['tests/*.test.ts'], exclude: [...timingChecks, ...capacityChecks], maxConcurrency: 8, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'meta', include: ['tests/meta/*.test.ts'], exclude: [...cliTests, ...cliAlone, ...timedMeta, ...timingMeta], sequence: { groupOrder: 0 } } },
      // Every column's idle period is waited out at once. A test's time includes waiting for its
      // turns (every column's proxies start before any wait: 154 limiters and time-scaled proxies
      // took more than 180 s on the slow VM above), hence the longer backstop.
      { test: { ...shared, name: 'timing', include: [...timingChecks, ...(settings.targets() ? [] : timingMeta)], maxConcurrency: 64, testTimeout: 900_000, sequence: { groupOrder: settings.targets() ? 0 : 1 } } },
      // After the timing checks, not beside them: with its 30 proxies in the timing phase, ci19 had
      // two idle-timeout-24h columns unproven (a mark's round trip of 951 ms at 1:1,270).
      // One file at a time: each one's measurement is its own.
      { test: { ...shared, name: 'meta-timing', include: timedMeta, fileParallelism: false, testTimeout: 900_000, sequence: { groupOrder: 2 } } },
      // Two columns at once: 4,000 sockets, within the worker's open-file limit and the cores.
      { test: { ...shared, name: 'capacity', include: capacityChecks, maxConcurrency: 2, testTimeout: 900_000, sequence: { groupOrder: 3 } } },
      // `npm run test:catalog`: three files at once, then the runs that keep turns of their own, alone.
      { test: { ...shared, name: 'catalog', include: cliTests, maxWorkers: 3, sequence: { groupOrder: 4 } } },
      { test: { ...shared, name: 'catalog-alone', include: cliAlone, fileParallelism: false, sequence: { groupOrder: 5 } } },
    ],
  },
});
