import { describe, expect, test } from 'vitest';
import type { Target } from '../../fixtures/lab/target.ts';
import { checkKeepalive, KEEPALIVE_SCALE, LB_IDLE_LIMIT_MS } from '../../fixtures/timeouts/keepalive-check.ts';
import type { IdleObservation } from '../../fixtures/timeouts/idle-socket.ts';
import type { IdleRunOptions, Measure, ProxyStarter } from '../../fixtures/timeouts/measure-idle.ts';

/**
 * keepalive's verdict on given observations, for the branches no shipped config or catalog entry
 * takes on demand: the limit not in force (the socket without pings outlived it), a drop far from
 * the limit (early or late, measured again at 1:1). No proxy runs here; the real sockets are the
 * check's own test (tests/keepalive.test.ts).
 */

const SHIPPED = 'proxies/nginx/inspect360.conf';
const starter = { ca: '' } as ProxyStarter;

/** What the socket with pings and the one without read, in real ms (undefined: open), per scale. */
type Drops = (scale: number) => { withPings?: number; without?: number };

async function verdict(drops: Drops, limitMs = LB_IDLE_LIMIT_MS) {
  const scales: number[] = [];
  const measure: Measure = async (_starter, proxy, _file, _label, options: IdleRunOptions) => {
    const scale = options.timeouts.scale;
    scales.push(scale);
    const read = drops(scale);
    const observations = options.sockets.map((plan, i): IdleObservation => {
      // The re-run at 1:1 has the pingless socket only.
      const realMs = options.sockets.length === 1 || i === 1 ? read.without : read.withPings;
      if (realMs === undefined) return { silence: plan.silence, watchedMs: plan.deadlineMs };
      return { silence: plan.silence, closedAfterMs: realMs / scale, watchedMs: realMs / scale - 5, code: 1006 };
    });
    const target = { proxy, idle: { scale, configuredIdleMs: limitMs, renderedIdleMs: limitMs / scale, lifetime: false } } as unknown as Target;
    return { target, observations };
  };
  const outcome = await checkKeepalive(starter, 'nginx', SHIPPED, 'verdicts', undefined, measure);
  return { ...outcome, scales };
}

describe('keepalive: each way to fail is a verdict of its own', () => {
  test('the pinged socket outlives the limit and the pingless one drops at it: pass, at 1:20', async () => {
    const v = await verdict(() => ({ without: LB_IDLE_LIMIT_MS + 500 }));
    expect(v.pass, v.detail).toBe(true);
    expect(v.scales).toEqual([KEEPALIVE_SCALE]);
  });

  test('the pinged socket drops: fail, the pings did not keep it open', async () => {
    const v = await verdict(() => ({ withPings: 70_000, without: LB_IDLE_LIMIT_MS }));
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/with backend pings every 25 s the socket still dropped .*the pings fit the idle limit 60 s, yet did not keep the socket open/);
  });

  test('the pingless socket outlives the limit: fail, the limit was not in force and the pings proved nothing', async () => {
    const v = await verdict(() => ({}));
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/without pings the socket stayed open .*: the 60 s limit was not in force, so the pings proved nothing/);
  });

  test('the pingless socket drops far from the limit at 1:20: measured again at 1:1, which decides', async () => {
    const early = await verdict(() => ({ without: 20_000 }));
    expect(early.scales).toEqual([KEEPALIVE_SCALE, 1]);
    expect(early.pass).toBe(false);
    expect(early.detail).toMatch(/without pings the socket dropped after 20 s .*too close to call: measured at 1:1\), not at the 60 s limit \(-66\.7 %\)/);

    const late = await verdict(() => ({ without: 100_000 }));
    expect(late.scales).toEqual([KEEPALIVE_SCALE, 1]);
    expect(late.pass).toBe(false);
    expect(late.detail).toMatch(/not at the 60 s limit \(\+66\.7 %\)/);

    const atOneToOne = await verdict((scale) => ({ without: scale === 1 ? LB_IDLE_LIMIT_MS + 200 : 100_000 }));
    expect(atOneToOne.pass, atOneToOne.detail).toBe(true);
    expect(atOneToOne.detail).toMatch(/too close to call: measured at 1:1/);

    const gone = await verdict((scale) => (scale === 1 ? {} : { without: 100_000 }));
    expect(gone.pass).toBe(false);
    expect(gone.detail).toMatch(/stayed open .* at 1:1 .*: the 60 s limit was not in force/);
  });

  test('a config with no idle limit at all: nothing for the pings to beat, a pass that says so', async () => {
    const v = await verdict(() => ({}), Infinity);
    expect(v.pass, v.detail).toBe(true);
    expect(v.figure).toBe('no idle limit');
  });
});
