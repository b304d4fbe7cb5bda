import { describe, expect, onTestFinished, test } from 'vitest';
import { wspc, type WspcRun } from '../../fixtures/cli-run.ts';
import { dockerSync } from '../../fixtures/runtime/docker/docker-cli.ts';
import { OWNER_PID_LABEL } from '../../fixtures/runtime/docker/stale.ts';

// Needs: Docker, the nginx image. Two owners on one engine at once (two CI jobs, two support
// engineers on a shared host): each run's start-up sweeps the engine for dead runs' leftovers, and
// must leave the other's live containers alone. The decision itself is unit-tested in
// stale-runs.test.ts; here two whole runs overlap on the engine and both must be green.
const owned = () =>
  dockerSync(['ps', '--no-trunc', '--filter', `label=${OWNER_PID_LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_PID_LABEL}"}} {{.Label "wspc.proxy"}}`])
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, pid, proxy] = line.split(' ');
      return { id: id!, pid: pid!, proxy: proxy! };
    });

/** Resolves when a run's stderr shows its first verdict: its proxies are up and its sweep is done. */
const firstVerdict = () => {
  let seen: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (seen = resolve));
  let text = '';
  const watch = (chunk: string) => {
    text += chunk;
    if (/\] (pass|fail) /.test(text)) seen();
  };
  return { reached, watch, output: () => text };
};

describe('two runs on one engine at once', () => {
  test("both finish green, and neither removes the other's containers", { timeout: 400_000 }, async () => {
    const config = ['--proxy', 'nginx', '--config', 'proxies/nginx/inspect360.conf'];
    // The first run is the longer one (24 h at 1:2,000 is 43 s of idle wait), so it is still
    // running when the second starts and sweeps.
    const a = firstVerdict();
    // Each keeps turns of its own, as two CI jobs would (not the enclosing run's: fixtures/cli-run.ts).
    const own = { WSPC_TURNS_URL: '' };
    const first = wspc([...config, '--time-scale', '2000'], own, a.watch);
    await a.reached;
    // The first run's column: its proxy lives as long as the run (the runs' own short-lived
    // containers, a backend-down variant or a time-scaled copy, come and go by themselves).
    const firstContainers = owned().filter((c) => c.proxy === 'nginx');
    const firstOwner = firstContainers[0]?.pid;
    expect(firstContainers.length).toBe(1);
    const b = firstVerdict();
    const second = wspc(config, own, b.watch);
    // Whatever is asserted below, both runs end on their own and remove what they started.
    onTestFinished(() => Promise.allSettled([first, second]).then(() => undefined));
    await b.reached;
    const during = owned();
    // The second run's sweep ran and started its own proxies, under its own owner...
    expect(during.filter((c) => c.pid !== firstOwner).length).toBeGreaterThan(0);
    // ...its sweep removed nothing (it says so when it does), and the first run's column is still there.
    expect(b.output()).not.toMatch(/removing \d+ container\(s\) left by an earlier run/);
    expect(firstContainers.filter((f) => !during.some((c) => c.id === f.id))).toEqual([]);
    const runs: WspcRun[] = await Promise.all([first, second]);
    for (const run of runs) expect({ code: run.code, failed: run.failed, stderr: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, failed: { nginx: [] }, stderr: '' });
  });
});
