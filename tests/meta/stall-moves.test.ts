import { describe, expect, test } from 'vitest';
import { lastOwnMoveBefore, type QueueChange } from '../../fixtures/runtime/docker/queue-watch.ts';

/**
 * Which of a stalled tunnel's queue changes are the proxy's own (a write toward the stalled peer, a
 * read from the pusher), from which a stalled socket's close may count (stall-socket.ts,
 * earlierArmMs). No proxy runs here: the changes are what the watch thread records (tx: the proxy's
 * send queue toward the stalled peer, rx: its receive queue from the pusher, peer: the stalled
 * peer's own receive queue on this machine, -1 not known), every 10 ms.
 */

const start: QueueChange = { at: 0, gap: 0, tx: -1, rx: -1, peer: -1 };
const at = (ms: number, tx: number, rx: number, peer: number): QueueChange => ({ at: ms, gap: 10, tx, rx, peer });

describe('a stalled tunnel: the proxy\'s own last move', () => {
  test('a write into the send queue is the proxy\'s move; the peer acknowledging is not', () => {
    const changes = [start, at(100, 1000, 0, 500), at(200, 2000, 0, 500), at(300, 1500, 0, 1000)];
    // 300: the kernel delivered 500 bytes (tx -500, peer +500): not a write.
    expect(lastOwnMoveBefore({ changes }, 400)).toBe(190);
  });

  test('a delivery by the stalled peer\'s kernel (a little window opened) is not a write, however late it comes', () => {
    // Filled at 200; at 900 the peer's kernel took 300 more bytes from the proxy's send queue.
    const changes = [start, at(100, 1000, 4000, 500), at(200, 2000, 8000, 800), at(900, 1700, 8000, 1100)];
    expect(lastOwnMoveBefore({ changes }, 1000)).toBe(190);
  });

  test('a write that refills the send queue within one sample shows in the peer\'s queue alone, and counts', () => {
    const changes = [start, at(100, 1000, 0, 500), at(200, 2000, 0, 800), at(900, 2000, 0, 1100)];
    // The peer's read is shared and may be a sample old: counted from the sample before.
    expect(lastOwnMoveBefore({ changes }, 1000)).toBe(190);
    const later = [...changes, at(1200, 2000, 0, 1400)];
    expect(lastOwnMoveBefore({ changes: later }, 1300)).toBe(890);
  });

  test('a delivery seen as a dip (the peer\'s read older than the proxy\'s) and then its return is not a write', () => {
    const changes = [start, at(50, 1000, 0, 500), at(100, 2000, 0, 800), at(500, 1700, 0, 800), at(510, 1700, 0, 1100)];
    expect(lastOwnMoveBefore({ changes }, 600)).toBe(90);
  });

  test('a read from the pusher is the proxy\'s move; without the peer\'s queue, a send queue that grew is', () => {
    const read = [start, at(100, 1000, 4000, -1), at(300, 1000, 3000, -1)];
    expect(lastOwnMoveBefore({ changes: read }, 400)).toBe(290);
    const grew = [start, at(100, 1000, 0, -1), at(300, 1200, 0, -1), at(500, 900, 0, -1)];
    expect(lastOwnMoveBefore({ changes: grew }, 600)).toBe(290);
  });
});
