import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import type WebSocket from 'ws';
import { flood, FLOOD_FRAME, FLOOD_MAX_BYTES } from '../../fixtures/backend/flood.ts';

/**
 * The stalls' flood (idle-timeout-24h's stalled sockets) when the socket under it fails, as when a
 * proxy cuts a stalled socket. Needs: nothing.
 *
 * Seen in a profile of a timing run's test worker (2026-12-06, CDP sampling, 330 s): 16 s of its main
 * thread under Node's Writable onwriteError > errorBuffer > the flood's write callback > pump >
 * ws.send. A write that fails makes the stream call back every buffered write with the error, in one
 * loop over its buffer; each callback sent the next frame, which the errored stream buffers onto that
 * same list, so the loop ran until FLOOD_MAX_BYTES (512 MiB of frames, each copied and masked), with
 * the socket still OPEN to the flood. That held the worker's thread for seconds, and a CI run's two
 * idle-timeout-24h sockets in that worker timed out their handshakes ("Opening handshake has timed
 * out"). The backend's flood (on its own thread, at a raised priority) had the same loop.
 */
test('a flood stops at the first failed write: a cut socket does not spin its process', async () => {
  let failWrite: ((error: Error) => void) | undefined;
  // The socket's stream: the first write stays pending (the path is full), the next ones are
  // buffered by Node's Writable, as a TLS socket's are.
  const stream = new Writable({
    write(_chunk, _encoding, callback) {
      failWrite = callback;
    },
  });
  stream.on('error', () => undefined);
  let sends = 0;
  const ws = {
    OPEN: 1,
    readyState: 1,
    send(data: Buffer, _options: unknown, callback: (error?: Error | null) => void) {
      sends++;
      stream.write(data, callback);
    },
  } as unknown as WebSocket;
  const stop = flood(ws);
  const before = sends;
  expect(before).toBeGreaterThan(1);
  failWrite!(Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' }));
  await new Promise((r) => setImmediate(r));
  stop();
  // Each write in flight fails once; none may start another.
  expect(sends - before).toBe(0);
  expect(sends * FLOOD_FRAME.length).toBeLessThan(FLOOD_MAX_BYTES);
});
