// `npm run bench:queue-watch`: how promptly the socket-queue watch thread notices a stalled path
// go quiet while many close witnesses sample this machine's sockets near their thresholds, as the
// idle-timeout-24h check's sockets do when their deadlines cluster. A benchmark that prints
// figures, not a timed test. No Docker: this process plays the proxy (its own namespace is read),
// over loopback only.
//
// Usage: npm run bench:queue-watch -- [witnesses=300] [background connections=1500] [rounds=5]
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { CloseWitness, QueueWatch, queueWatchReady, type Ends } from '../fixtures/runtime/docker/queue-watch.ts';
import { socketsOf } from '../fixtures/runtime/docker/socket-queues.ts';

const [witnessCount = 300, background = 1500, rounds = 5] = process.argv.slice(2).map(Number);
const QUIET_MS = 400;

const server: Server = createServer((s) => void s.pause());
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as { port: number }).port;
const accepted: Socket[] = [];
server.on('connection', (s) => accepted.push(s));

const open = async (): Promise<Socket> => {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  return s;
};
const clients: Socket[] = [];
// Background sockets: this machine's table as a full run fills it (the clients of 110 proxies).
for (let i = 0; i < background; i++) clients.push(await open());

const endsOf = (s: Socket): Ends => {
  const found = socketsOf('self', ['tcp']).find((q) => q.localPort === s.localPort && q.remotePort === s.remotePort);
  if (!found) throw new Error(`socket ${s.localPort} not found in /proc/self/net/tcp`);
  return { localPort: found.localPort, remotePort: found.remotePort, local: found.local, remote: found.remote, listing: 'tcp' };
};

await queueWatchReady();
const read0 = performance.now();
for (let i = 0; i < 50; i++) socketsOf('self', ['tcp']);
console.log(`one read of this machine's tcp table: ${((performance.now() - read0) / 50).toFixed(2)} ms (${background * 2 + witnessCount * 2} loopback sockets open)`);

const witnessSockets: Socket[] = [];
for (let i = 0; i < witnessCount; i++) witnessSockets.push(await open());

const quietToFilled: number[] = [];
const late: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Witnesses in their fine stretch for the whole round: from now, to 3 s on.
  const t0 = performance.now();
  const witnesses = witnessSockets.map((s) => new CloseWitness({ localPort: s.localPort!, remotePort: s.remotePort! }, t0, t0 + 3000));
  // The stalled path: this process writes toward a peer that does not read, until its queues stop.
  const stalled = await open();
  const watch = new QueueWatch(process.pid, performance.now(), { everyMs: 10, quietMs: QUIET_MS });
  watch.setEnds({ stalled: endsOf(stalled) });
  const chunk = Buffer.alloc(64 * 1024);
  let lastWrite = performance.now();
  while (stalled.write(chunk)) lastWrite = performance.now();
  lastWrite = performance.now();
  while (!watch.filled && !watch.ended && performance.now() - lastWrite < 20_000) await watch.next(50);
  const filled = watch.filled;
  if (filled) {
    // From the path's last change the watch saw to its report.
    const quietAt = filled.changes.at(-1)!.at;
    quietToFilled.push(filled.sampledAt - quietAt);
    late.push(filled.maxLateMs);
    console.log(`round ${round}: filled reported ${(filled.sampledAt - quietAt).toFixed(0)} ms after the last change (${QUIET_MS} ms by design); watch samples up to ${filled.maxLateMs.toFixed(0)} ms late`);
  } else console.log(`round ${round}: no report within 20 s of the last write (${watch.ended?.kind ?? 'none'})`);
  watch.end();
  for (const w of witnesses) w.end();
  stalled.destroy();
}
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
console.log(`quiet to filled: p50 ${p(quietToFilled, 0.5).toFixed(0)} ms, max ${Math.max(...quietToFilled).toFixed(0)} ms; samples late at most ${Math.max(...late).toFixed(0)} ms (${witnessCount} witnesses, ${rounds} rounds)`);
for (const s of [...clients, ...witnessSockets, ...accepted]) s.destroy();
server.close();
process.exit(0);
