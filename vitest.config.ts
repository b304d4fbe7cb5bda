import { defineConfig } from 'vitest/config';

// Ryuk (testcontainers' reaper) needs a registry pull that many machines cannot make; the suite
// removes its containers itself, by label, on pass, failure and Ctrl-C.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

/**
 * Checks whose verdict is a measured duration or latency. They run as a group of their own, after
 * every other check has finished, so Chromium, image builds and the bursts of container starts of
 * the other checks do not share the 2 cores with their waits (on a 2-core machine the load average
 * reached 6-11 with everything at once, and a 150 ms scheduling delay was a 9 s error at 1:60).
 */
export const timingChecks = ['tests/idle-timeout-24h.test.ts', 'tests/keepalive.test.ts', 'tests/edge-keepalive.test.ts', 'tests/no-buffering.test.ts'];

const shared = { testTimeout: 60_000, hookTimeout: 120_000, isolate: false };

export default defineConfig({
  test: {
    // One lab for the whole run: projects do not extend this config, so the global setup (backend,
    // certificates, shipped proxies) runs once and both groups inject the same lab.
    globalSetup: ['fixtures/lab/global-setup.ts'],
    // Checks mostly wait on sockets and containers, not the CPU.
    maxWorkers: 4,
    reporters: ['default'],
    // `npm test` runs checks, meta and timing; `npm run test:catalog` the catalog (whole `wspc check`
    // runs, which would only add load beside the others); `wspc check` runs checks and timing.
    projects: [
      // Every check runs on every column (shipped, catalog, customer-shaped configs), columns at once.
      { test: { ...shared, name: 'checks', include: ['tests/*.test.ts'], exclude: timingChecks, maxConcurrency: 8, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'meta', include: ['tests/meta/*.test.ts'], exclude: ['tests/meta/catalog.test.ts'], sequence: { groupOrder: 0 } } },
      // Their waits overlap: every column's idle period is waited out at once.
      // Every column's idle period is waited out at once, all files together; container starts and
      // timed waits take turns across the run (fixtures/lab/turns.ts).
      { test: { ...shared, name: 'timing', include: timingChecks, maxConcurrency: 64, sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: 'catalog', include: ['tests/meta/catalog.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
