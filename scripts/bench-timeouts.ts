// `npm run bench:timeouts`: how long it takes to certify ">= 24 h" idle timeouts, every proxy at
// once, and what each proxy measured. A benchmark that prints figures, not a timed test.
// Target: all proxies certified concurrently in <= 10 s wall at the default 1:10,000.
import { settings } from '../fixtures/settings.ts';
import { randomUUID } from 'node:crypto';
import { generateRunCertificates } from '../fixtures/certs.ts';
import { startTarget, type Target } from '../fixtures/lab/target.ts';
import { proxies, proxyNamed } from '../fixtures/proxies/index.ts';
import { describeScale, formatDuration, timeScaleFor } from '../fixtures/proxies/timeouts/scale.ts';
import { createRuntime } from '../fixtures/runtime/index.ts';
import { configureTestcontainers } from '../fixtures/runtime/docker/engine.ts';
import { certifyIdle } from '../fixtures/timeouts/idle-check.ts';
import { checkKeepalive } from '../fixtures/timeouts/keepalive-check.ts';
import type { ProxyStarter } from '../fixtures/timeouts/measure-idle.ts';

configureTestcontainers();

// WSPC_PROXIES narrows it (its default releases; IIS is not run).
const names = [...new Set(settings.proxies(Object.keys(proxies)).map((n) => n.split('@')[0]!))].filter((n) => n in proxies);
const runtime = createRuntime('docker', `bench-${randomUUID().slice(0, 8)}`, process.pid);
process.once('exit', () => runtime.cleanup());
process.once('SIGINT', () => process.exit(130));

await runtime.prepare(names.map(proxyNamed), (line) => console.log(line));
const certs = await generateRunCertificates([...new Set(names.map((n) => proxyNamed(n).readServerName('')).concat('portal.inspect360.ai', 'localhost'))]);
const stoppers = new Map<string, () => Promise<void>>();
const starter: ProxyStarter = {
  ca: certs.caPem,
  start: async (proxy, configFile, label, backendPort, timeouts) => {
    const { target, running } = await startTarget(runtime, { definition: proxyNamed(proxy), configFile, scenario: `bench-${label}`, backendPort, certs, timeouts });
    stoppers.set(target.containerId, running.stop);
    return target;
  },
  // The verdict is in once the sockets are watched: tearing the proxy down is not part of certifying.
  stop: async (target: Target) => {
    teardowns.push(stoppers.get(target.containerId)?.() ?? Promise.resolve());
  },
};
const teardowns: Promise<void>[] = [];

const started = performance.now();
const results = await Promise.all(
  names.map(async (name) => {
    const idle = await certifyIdle(starter, name, proxyNamed(name).configFile, name);
    return { name, idle };
  }),
);
const allWall = performance.now() - started;
const keepaliveStarted = performance.now();
const keepalive = await Promise.all(names.map((name) => checkKeepalive(starter, name, proxyNamed(name).configFile, name)));
const keepaliveWall = performance.now() - keepaliveStarted;

console.log('\nproxy   scale      certify wall  idle-timeout-24h         keepalive');
results.forEach(({ name, idle }, i) => {
  const verdict = `${idle.pass ? 'pass' : 'FAIL'} ${idle.figure ?? ''}`;
  console.log(`${name.padEnd(7)} ${describeScale(timeScaleFor(name)).padEnd(10)} ${`${(idle.wallMs / 1000).toFixed(2)} s`.padEnd(13)} ${verdict.padEnd(24)} ${keepalive[i]!.pass ? 'pass' : 'FAIL'} ${keepalive[i]!.figure ?? ''}`);
  console.log(`        ${idle.detail}`);
  console.log(`        keepalive: ${keepalive[i]!.detail}`);
});
console.log(`\nall proxies certified concurrently in ${(allWall / 1000).toFixed(2)} s wall (target <= 10 s); keepalive for all in ${(keepaliveWall / 1000).toFixed(2)} s`);
console.log(`shortest measured idle timeout: ${formatDuration(Math.min(...results.map((r) => r.idle.measuredMs)))}`);
await Promise.allSettled(teardowns);
runtime.cleanup();
process.exit(results.every((r) => r.idle.pass) ? 0 : 1);
