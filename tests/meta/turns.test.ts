import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { remoteTurns, serveTurns } from '../../fixtures/lab/turns.ts';

/** Holds a timed turn of `keeper` until the returned function is called. */
async function holdTimed(turns: { timed<T>(work: () => Promise<T>): Promise<T> }): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const granted = new Promise<void>((resolve) => {
    void turns.timed(() => {
      resolve();
      return new Promise<void>((done) => (release = done));
    });
  });
  await granted;
  return { release: async () => (release(), sleep(10)) };
}

const WAIT_MS = 2000;
const within = <T>(p: Promise<T>, ms = WAIT_MS) => Promise.race([p, sleep(ms).then(() => 'still waiting' as const)]);

describe('turns: the run-wide keeper of heavy steps and timed waits (fixtures/lab/turns.ts)', () => {
  it('a worker waits for its heavy turn until the timed waits before it end', async () => {
    const keeper = await serveTurns();
    try {
      const timed = await holdTimed(keeper.local);
      const heavy = remoteTurns(keeper.url).heavy(async () => 'ran');
      expect(await within(heavy, 500)).toBe('still waiting');
      await timed.release();
      expect(await within(heavy)).toBe('ran');
    } finally {
      await keeper.close();
    }
  });

  it('no browser session begins while a timed wait waits for its turn or runs; the one running ends first', async () => {
    const keeper = await serveTurns();
    try {
      const turns = keeper.local;
      const events: string[] = [];
      let endSession!: () => void;
      const running = turns.browser(() => turns.heavy(() => (events.push('session 1'), new Promise<void>((done) => (endSession = done)))));
      await sleep(50);
      const timed = holdTimed(turns);
      await sleep(50);
      const next = turns.browser(() => turns.heavy(async () => void events.push('session 2')));
      await sleep(200);
      // The timed wait waits for the running session; the next session waits for the timed wait.
      expect(events).toEqual(['session 1']);
      endSession();
      await running;
      const held = await timed;
      expect(await within(next, 200)).toBe('still waiting');
      await held.release();
      await within(next);
      expect(events).toEqual(['session 1', 'session 2']);
    } finally {
      await keeper.close();
    }
  });

  it('a heavy turn granted after its worker gave up waiting is given back, not held', async () => {
    const keeper = await serveTurns();
    try {
      const timed = await holdTimed(keeper.local);
      // A worker asks for a heavy turn, then goes away while the timed wait runs.
      const asked = request(`${keeper.url}/heavy/acquire`, { method: 'POST', agent: false, headers: { 'x-wspc-pid': String(process.pid) } });
      asked.on('error', () => undefined);
      asked.end();
      await sleep(200);
      asked.destroy();
      await sleep(200);
      await timed.release();
      // Held by no one, the heavy turn would keep every further timed wait from starting.
      expect(await within(keeper.local.timed(async () => 'ran'))).toBe('ran');
    } finally {
      await keeper.close();
    }
  });

  it('a turn held by a process that ended (a nested run that exited mid-start) is given back', async () => {
    const keeper = await serveTurns();
    try {
      // Another process takes a heavy turn and exits holding it, as `wspc check` does on exit 2.
      const holder = `const r = require('node:http').request(process.argv[1], { method: 'POST', agent: false, headers: { 'x-wspc-pid': String(process.pid) } }, (res) => process.exit(res.statusCode === 204 ? 0 : 1)); r.end();`;
      const code = await new Promise<number | null>((resolve) => execFile(process.execPath, ['-e', holder, `${keeper.url}/heavy/acquire`], (error) => resolve(error ? (error as { code?: number }).code ?? 1 : 0)));
      expect(code).toBe(0);
      // Held by a pid that is gone, the heavy turn would keep every timed wait from starting.
      expect(await within(keeper.local.timed(async () => 'ran'), 3000)).toBe('ran');
    } finally {
      await keeper.close();
    }
  });
});
