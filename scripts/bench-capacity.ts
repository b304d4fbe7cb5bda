// `npm run bench:capacity [-- --sockets N]`: how many authenticated wss sockets each shipped proxy
// config holds on this machine, and what they cost, against the backend reached directly. A
// benchmark that prints figures, not a timed test. Target: 10,000 sockets per proxy on 2 cores.
//
// Honest about the machine: the load generator (this process), the backend (a child process) and
// the proxy share the cores, so each figure comes with the CPU time of every component. Traffic
// goes to loopback and the run's own containers only; every loop is bounded by a count and a time.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import getPort from 'get-port';
import { generateRunCertificates } from '../fixtures/certs.ts';
import { proxyHostLookup } from '../fixtures/clients/reach.ts';
import { startTarget, type Target } from '../fixtures/lab/target.ts';
import { reportPath, repoRoot } from '../fixtures/lab/paths.ts';
import { diagnoseColumn } from '../fixtures/load/limits.ts';
import { loadRoute, containerPids, ownCpuMs, portForwarderPids, usageOfPids, type Usage } from '../fixtures/load/processes.ts';
import { echoRoundTrips, fanOut, holdSockets, percentile, type LoadEndpoint } from '../fixtures/load/sockets.ts';
import { proxies, proxyNamed } from '../fixtures/proxies/index.ts';
import { createRuntime } from '../fixtures/runtime/index.ts';
import { configureTestcontainers } from '../fixtures/runtime/docker/engine.ts';
import { settings } from '../fixtures/settings.ts';

const argument = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const SOCKETS = Number(argument('--sockets') ?? 10_000);
if (!Number.isInteger(SOCKETS) || SOCKETS < 1 || SOCKETS > 50_000) {
  console.error(`--sockets must be a whole number from 1 to 50000 (got ${argument('--sockets')})`);
  process.exit(2);
}
/** No handshake starts after this, per endpoint. */
const RAMP_DEADLINE_MS = 240_000;
const FAN_OUTS = 3;
const FAN_OUT_TIMEOUT_MS = 30_000;
const ECHO_SOCKETS = 100;
const ECHO_PER_SOCKET = 20;

configureTestcontainers();
const names = settings.proxies(['nginx', 'apache', 'caddy', 'haproxy']).filter((n) => n in proxies && n !== 'iis');
const runtime = createRuntime('docker', `capacity-${randomUUID().slice(0, 8)}`, process.pid);
const say = (line: string) => console.log(`[bench:capacity] ${line}`);

// The backend in its own process, so its CPU time and memory are its own.
const backendPort = await getPort();
const backendProcess = spawn(process.execPath, ['--import', 'tsx', 'fixtures/backend/main.ts'], {
  cwd: repoRoot,
  env: { ...process.env, PORT: String(backendPort), HOST: '0.0.0.0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Nothing left running: the backend and the run's containers go on exit, Ctrl-C included.
process.once('exit', () => {
  backendProcess.kill('SIGKILL');
  runtime.cleanup();
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the backend did not start within 30 s')), 30_000);
  backendProcess.stdout!.on('data', (chunk: Buffer) => {
    if (!chunk.toString().includes('Backend listening')) return;
    clearTimeout(timer);
    resolve();
  });
  backendProcess.once('exit', (code) => reject(new Error(`the backend exited with ${code}`)));
});
const backendPid = backendProcess.pid!;
const admin = `http://127.0.0.1:${backendPort}/__conformance`;

say(`preparing ${names.join(', ')} images`);
await runtime.prepare(names.map(proxyNamed), (line) => say(line));
const certs = await generateRunCertificates([...new Set(names.map((n) => proxyNamed(n).readServerName('')).concat('portal.inspect360.ai', 'localhost'))]);
const targets = new Map<string, Target>();
for (const name of names) {
  const definition = proxyNamed(name);
  const { target } = await startTarget(runtime, { definition, configFile: definition.configFile, scenario: null, label: `capacity-${name}`, backendPort, certs });
  targets.set(name, target);
  say(`${name} ready (${target.configFile}, port ${target.httpsPort})`);
}

async function login(): Promise<{ user: string; cookie: string }> {
  const user = `capacity-${randomUUID().slice(0, 8)}`;
  const res = await fetch(`http://127.0.0.1:${backendPort}/api/login`, { method: 'POST', body: JSON.stringify({ username: user }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`the backend's login answered ${res.status} without a cookie`);
  return { user, cookie };
}

interface Row {
  endpoint: string;
  config: string;
  held: number;
  asked: number;
  limit?: string;
  handshakesPerSecond: number;
  handshakeP50Ms: number;
  handshakeP99Ms: number;
  proxyBytesPerSocket?: number;
  backendBytesPerSocket: number;
  fanOutP50Ms: number;
  fanOutP99Ms: number;
  fanOutReceived: string;
  echoP50Ms: number;
  echoP99Ms: number;
  messagesPerSecond: number;
  cpuSeconds: { client: number; backend: number; proxy?: number; portForwarder?: number };
}

async function measure(endpointName: string, config: string, endpoint: (cookie: string) => LoadEndpoint, proxyPids: () => Promise<number[]>, forwarderPids: () => number[], diagnose: () => Promise<string>): Promise<Row> {
  const { user, cookie } = await login();
  const pids = await proxyPids();
  const before = { proxy: pids.length ? usageOfPids(pids) : undefined, backend: usageOfPids([backendPid]), client: ownCpuMs(), forwarder: usageOfPids(forwarderPids()) };
  say(`${endpointName}: opening ${SOCKETS} sockets, 64 handshakes in flight`);
  const held = await holdSockets(endpoint(cookie), {
    count: SOCKETS,
    deadlineMs: RAMP_DEADLINE_MS,
    stopAtFirstFailure: true,
    progress: (n) => say(`${endpointName}: ${n} open`),
    progressEvery: 2000,
  });
  // Settle: the backend's welcome is sent as a socket opens; let the proxies' buffers go quiet.
  await new Promise((r) => setTimeout(r, 1000));
  const heldPids = await proxyPids();
  const during: { proxy?: Usage; backend: Usage } = { proxy: heldPids.length ? usageOfPids(heldPids) : undefined, backend: usageOfPids([backendPid]) };
  const short = held.refused ? `${held.refusedCount} refused, the first with ${held.refused.openAt} open: ${held.refused.seen}` : held.sockets.length < SOCKETS ? `ramp deadline (${RAMP_DEADLINE_MS / 1000} s) reached` : undefined;
  const limit = short && `${short}; ${await diagnose()}`;
  say(`${endpointName}: ${held.sockets.length} open in ${(held.rampMs / 1000).toFixed(1)} s${limit ? `; ${limit}` : ''}`);
  const arrivals: number[] = [];
  let received = 0;
  for (let i = 0; i < FAN_OUTS; i++) {
    const token = `fan-out-${randomUUID()}`;
    const result = await fanOut(held.sockets, token, async () => {
      await fetch(`${admin}/notify`, { method: 'POST', body: JSON.stringify({ userId: user, message: token }) });
    }, FAN_OUT_TIMEOUT_MS);
    arrivals.push(...result.arrivalsMs);
    received += result.received;
  }
  arrivals.sort((a, b) => a - b);
  const echo = await echoRoundTrips(held.sockets.slice(0, ECHO_SOCKETS), ECHO_PER_SOCKET, 60_000);
  const after = { proxy: heldPids.length ? usageOfPids(heldPids) : undefined, backend: usageOfPids([backendPid]), client: ownCpuMs(), forwarder: usageOfPids(forwarderPids()) };
  const dropped = held.droppedCount();
  await held.release();
  await new Promise((r) => setTimeout(r, 2000));
  const n = Math.max(1, held.sockets.length);
  return {
    endpoint: endpointName,
    config,
    held: held.sockets.length - dropped,
    asked: SOCKETS,
    ...(limit || dropped ? { limit: [limit, dropped ? `${dropped} dropped while held (${held.dropped?.seen})` : undefined].filter(Boolean).join('; ') } : {}),
    handshakesPerSecond: (held.sockets.length / held.rampMs) * 1000,
    handshakeP50Ms: percentile([...held.handshakeMs].sort((a, b) => a - b), 50),
    handshakeP99Ms: percentile([...held.handshakeMs].sort((a, b) => a - b), 99),
    ...(before.proxy && during.proxy ? { proxyBytesPerSocket: (during.proxy.rssBytes - before.proxy.rssBytes) / n } : {}),
    backendBytesPerSocket: (during.backend.rssBytes - before.backend.rssBytes) / n,
    fanOutP50Ms: percentile(arrivals, 50),
    fanOutP99Ms: percentile(arrivals, 99),
    fanOutReceived: `${received}/${held.sockets.length * FAN_OUTS}`,
    echoP50Ms: percentile(echo.rttMs, 50),
    echoP99Ms: percentile(echo.rttMs, 99),
    messagesPerSecond: echo.perSecond,
    cpuSeconds: {
      client: (after.client - before.client) / 1000,
      backend: (after.backend.cpuMs - before.backend.cpuMs) / 1000,
      ...(before.proxy && after.proxy ? { proxy: (after.proxy.cpuMs - before.proxy.cpuMs) / 1000 } : {}),
      ...(after.forwarder.processes ? { portForwarder: (after.forwarder.cpuMs - before.forwarder.cpuMs) / 1000 } : {}),
    },
  };
}

const rows: Row[] = [];
const started = performance.now();
rows.push(
  await measure('direct', `backend ws://127.0.0.1:${backendPort}/ws (plain: the backend has no TLS)`, (cookie) => ({ url: `ws://127.0.0.1:${backendPort}/ws`, cookie }), async () => [], () => [], async () => 'the backend or this client (no proxy in the path)'),
);
for (const [name, target] of targets) {
  const route = await loadRoute(target);
  say(`${name}: load goes to the ${route.via}`);
  rows.push(
    await measure(
      name,
      `${target.configFile} (${target.release})`,
      (cookie) => ({ url: `wss://${target.serverName}:${route.port}/ws`, ca: certs.caPem, lookup: route.lookup ?? proxyHostLookup, cookie }),
      () => containerPids(target.containerId),
      () => (route.address ? [] : portForwarderPids(target.httpsPort)),
      () => diagnoseColumn(target),
    ),
  );
}
const wallS = (performance.now() - started) / 1000;

const direct = rows[0]!;
const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const kib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 1024).toFixed(1)} KiB`);
const header = '| endpoint | held / asked | handshakes/s | handshake p50 / p99 ms | proxy RSS per socket | fan-out p50 / p99 ms | echo p50 / p99 ms (x direct) | echo msg/s (x direct) | CPU s: client / backend / proxy / docker-proxy | limit seen |';
const table = [
  header,
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    [
      '',
      r.endpoint,
      `${r.held} / ${r.asked}`,
      fmt(r.handshakesPerSecond, 0),
      `${fmt(r.handshakeP50Ms)} / ${fmt(r.handshakeP99Ms)}`,
      kib(r.proxyBytesPerSocket),
      `${fmt(r.fanOutP50Ms)} / ${fmt(r.fanOutP99Ms)}`,
      `${fmt(r.echoP50Ms, 2)} / ${fmt(r.echoP99Ms, 2)} (x${fmt(r.echoP50Ms / direct.echoP50Ms, 2)})`,
      `${fmt(r.messagesPerSecond, 0)} (x${fmt(r.messagesPerSecond / direct.messagesPerSecond, 2)})`,
      `${fmt(r.cpuSeconds.client)} / ${fmt(r.cpuSeconds.backend)} / ${fmt(r.cpuSeconds.proxy)} / ${fmt(r.cpuSeconds.portForwarder)}`,
      r.limit ?? 'none',
      '',
    ].join(' | ').trim(),
  ),
].join('\n');
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load generator, backend and proxy share them`;
const notes = [
  `Run ${new Date().toISOString()} on ${machine}; ${wallS.toFixed(0)} s in all.`,
  `Each endpoint alone in turn: ${SOCKETS} authenticated sockets asked for (64 handshakes in flight, ${RAMP_DEADLINE_MS / 1000} s at most), held; ${FAN_OUTS} pushes to all of them (one notification each, every arrival timed from the push request); echo round trips on ${ECHO_SOCKETS} of them, ${ECHO_PER_SOCKET} each, one in flight per socket.`,
  `RSS per socket: the resident memory the proxy container's processes added with the sockets open, divided by the sockets held (the backend's, a Node heap that its garbage collector grows and shrinks, is in the JSON, not a per-socket cost). A proxied WebSocket takes two of the proxy's file descriptors: containers inherit the engine's open-file limit, which a container cannot raise (runc: "error setting rlimit type 7: operation not permitted" at 65,536 where the engine's was 20,000). "direct" is plain ws to the backend (it has no TLS): the ratios include TLS.`,
  'Load reaches each proxy at its container\'s address on Docker\'s bridge (port 443) when the engine is this machine: through Docker\'s userland port forwarder (docker-proxy, the published port on 127.0.0.1) every socket dropped at about 3,280 (three runs). Otherwise the published port, and the docker-proxy column shows its CPU time. CPU s: user + system time of each component during the run of that endpoint.',
];
const md = `# bench:capacity\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n${table}\n`;
console.log(`\n${md}`);
writeFileSync(reportPath('bench-capacity.md'), md);
writeFileSync(reportPath('bench-capacity.json'), `${JSON.stringify({ at: new Date().toISOString(), machine, sockets: SOCKETS, rows }, null, 2)}\n`);
say(`written: ${reportPath('bench-capacity.md')} and .json`);
process.exit(0);
