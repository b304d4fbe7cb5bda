import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { describeAttempt, nextClose, openSocket } from '../../fixtures/clients/ws-client.ts';
import type { Target } from '../../fixtures/lab/target.ts';

/**
 * The client helpers' waits on a socket, against a local `ws` server (no proxy: what is tested is
 * the helper). Needs: nothing but loopback.
 */

let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('nextClose: a wait that times out leaves no listener behind, and a later close is still seen', async () => {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  const before = ws.listenerCount('close');
  for (let i = 0; i < 20; i++) expect(await nextClose(ws, 0)).toBeNull();
  expect(ws.listenerCount('close')).toBe(before);
  const closed = nextClose(ws, 2000);
  for (const peer of server.clients) peer.close(4001, 'bye');
  expect(await closed).toMatchObject({ code: 4001, reason: 'bye' });
});

/** A TCP server that accepts and never answers: where a handshake times out, and at which step. */
async function silentServer(): Promise<{ server: Server; target: Target; port: number }> {
  const silent = createServer(() => undefined);
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const port = (silent.address() as AddressInfo).port;
  // A live target resolved to loopback: no lab needed.
  const target = { serverName: 'silent.test', httpsPort: port, live: { address: '127.0.0.1', idleMs: 0 } } as unknown as Target;
  return { server: silent, target, port };
}

test('a handshake that times out says at which step: no TLS answer, or no answer to the upgrade', async () => {
  const { server: silent, target, port } = await silentServer();
  try {
    const tls = await openSocket(target, { ca: undefined, timeoutMs: 300 });
    expect(describeAttempt(tls)).toMatch(/^connection error: Opening handshake has timed out \(TCP connected at \d+ ms, no TLS; ended at [\d,]+ ms \(this process's timers ran up to \d+ ms late meanwhile\)\)$/);
    const plain = await openSocket(target, { ca: undefined, timeoutMs: 300, route: { port, plain: true } });
    expect(describeAttempt(plain)).toMatch(/\(TCP connected at \d+ ms, upgrade sent at \d+ ms, no answer; ended at/);
  } finally {
    silent.close();
  }
});

test("a handshake timed out by a held main thread says how late the process's timers ran", async () => {
  const { server: silent, target, port } = await silentServer();
  try {
    const attempt = openSocket(target, { ca: undefined, timeoutMs: 300, route: { port, plain: true } });
    await new Promise((r) => setTimeout(r, 50));
    const heldUntil = performance.now() + 1000;
    while (performance.now() < heldUntil);
    const { stages } = await attempt;
    expect(stages?.timersLateMs).toBeGreaterThanOrEqual(900);
  } finally {
    silent.close();
  }
});
