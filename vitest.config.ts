import { defineConfig } from 'vitest/config';

// Ryuk (testcontainers' reaper) needs a registry pull that many machines cannot make; the suite
// removes its containers itself, by label, on pass, failure and Ctrl-C.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['fixtures/lab/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Checks mostly wait on sockets and containers, not the CPU.
    maxWorkers: 4,
    reporters: ['default'],
  },
});
