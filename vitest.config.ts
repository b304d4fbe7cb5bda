import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { settings } from './fixtures/settings.ts';
import { configureTestcontainers } from './fixtures/runtime/docker/engine.ts';

configureTestcontainers();

/**
 * Checks whose verdict is a measured duration or latency. They run as a group of their own, after
 * every other check has finished, so Chromium and the bursts of the other checks do not share the
 * 2 cores with their waits (on a 2-core machine the load average reached 6-11 with everything at
 * once, and a 150 ms scheduling delay was a 9 s error at 1:60). Within the group, container starts
 * and timed waits take turns (fixtures/lab/turns.ts). Tried the other way, timing checks beside the
 * others with browser sessions as heavy turns: a 37-column run took 154 s instead of 145 s (the
 * timed waits queued behind 117 s of browser sessions), a one-config run 25.7 s instead of 27 s.
 */
export const timingChecks = ['tests/idle-timeout-24h.test.ts', 'tests/keepalive.test.ts', 'tests/edge-keepalive.test.ts', 'tests/no-buffering.test.ts'];

/**
 * Tests that run `wspc` (or vitest) as a user would, each starting proxies of its own: the catalog
 * through the CLI, the guide's snippets, two owners at once, a missing image, a remote engine, the
 * probe of a live deployment. One at a time, after everything else.
 */
/**
 * Suite self-tests whose assertions are measured: closes, or how soon the socket-queue watch reports
 * a quiet path beside 300 witnesses (a 10 s window that the checks phase's browsers and bursts
 * would share the 2 cores with). After the timing checks, never in `wspc check`.
 */
export const timedMeta = ['tests/meta/timeout-contexts.test.ts', 'tests/meta/queue-watch.test.ts'];

/**
 * The capacity check holds thousands of sockets a column (2,000 by default): a burst of TLS
 * handshakes that takes both cores. It runs last, alone, so no other verdict shares the cores with it.
 */
export const capacityChecks = ['tests/capacity.test.ts'];

const cliTests = ['catalog', 'guide-snippets', 'concurrent-runs', 'image-missing', 'remote-engine', 'probe'].map((name) => `tests/meta/${name}.test.ts`);

// Test files share modules within a worker (isolate: false): a one-config run spent 34 s of CPU
// importing testcontainers and Playwright once per file.
// A test's timeout is a backstop against a hang, not a bound on a verdict: every step inside has
// its own (a handshake, a page load, a socket's watch), and a test's time includes its wait for
// turns and container starts, which grows with the machine's speed. On a 2-core VM where a
// 3e8-iteration Node loop took 1.6 s, 177 tests of the main phase ran into the former 60 s / 180 s
// timeouts while still queued (every one a timeout, no wrong verdict; 986 s for the phase).
const shared = { testTimeout: 300_000, hookTimeout: 300_000, isolate: false };

export default defineConfig({
  test: {
    // One lab for the whole run: projects do not extend this config, so the global setup (backend,
    // certificates, every column's proxy) runs once and every project injects the same lab.
    globalSetup: ['fixtures/lab/global-setup.ts'],
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
      { test: { ...shared, name: 'meta', include: ['tests/meta/*.test.ts'], exclude: [...cliTests, ...timedMeta], sequence: { groupOrder: 0 } } },
      // Every column's idle period is waited out at once. A test's time includes waiting for its
      // turns (every column's proxies start before any wait: 154 limiters and time-scaled proxies
      // took more than 180 s on the slow VM above), hence the longer backstop.
      { test: { ...shared, name: 'timing', include: timingChecks, maxConcurrency: 64, testTimeout: 900_000, sequence: { groupOrder: 1 } } },
      // After the timing checks, not beside them: with its 30 proxies in the timing phase, ci19 had
      // two idle-timeout-24h columns unproven (a mark's round trip of 951 ms at 1:1,270).
      // One file at a time: each one's measurement is its own.
      { test: { ...shared, name: 'meta-timing', include: timedMeta, fileParallelism: false, testTimeout: 900_000, sequence: { groupOrder: 2 } } },
      // Two columns at once: 4,000 sockets, within the worker's open-file limit and the cores.
      { test: { ...shared, name: 'capacity', include: capacityChecks, maxConcurrency: 2, testTimeout: 900_000, sequence: { groupOrder: 3 } } },
      // One `wspc check` run at a time: each has timing verdicts of its own.
      { test: { ...shared, name: 'catalog', include: cliTests, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
