import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { nextClose } from '../../fixtures/clients/ws-client.ts';

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
