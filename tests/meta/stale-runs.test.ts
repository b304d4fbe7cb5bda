import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, test } from 'vitest';
import { removeStaleRuns } from '../../fixtures/runtime/docker/docker-runtime.ts';
import { dockerSync } from '../../fixtures/runtime/docker/docker-cli.ts';
import { browserImage, imageTag } from '../../fixtures/runtime/docker/images.ts';
import { isAlive, isStale, OWNER_HOST_LABEL, OWNER_PID_LABEL } from '../../fixtures/runtime/docker/stale.ts';

// Cleanup on a shared engine: only runs proven dead on this host are removed, never a neighbour's.
describe('stale-run cleanup removes only what is proven dead on this host', () => {
  const here = hostname();
  const dead = () => false;
  const alive = () => true;

  test('the decision: dead owner here: removed; alive here, or any owner on another host: kept', () => {
    expect(isStale({ pid: '4242', host: here }, here, dead)).toBe(true);
    expect(isStale({ pid: '4242', host: here }, here, alive)).toBe(false);
    // Another CI job's container on the same engine, or a run on the remote engine's other clients.
    expect(isStale({ pid: '4242', host: 'ci-runner-7' }, here, dead)).toBe(false);
    // A run from before the host label, or a label that is not a pid: not proven, kept.
    expect(isStale({ pid: '4242', host: '' }, here, dead)).toBe(false);
    expect(isStale({ pid: 'x', host: here }, here, dead)).toBe(false);
  });

  test("another user's process (EPERM) is alive; only ESRCH is dead", () => {
    const refuse = (code: string) => () => {
      throw Object.assign(new Error(code), { code });
    };
    expect(isAlive(4242, refuse('EPERM'))).toBe(true);
    expect(isAlive(4242, refuse('ESRCH'))).toBe(false);
    expect(isAlive(process.pid)).toBe(true);
  });

  test("on the engine: this host's dead run is removed, another host's dead run is left alone", async () => {
    // Any image the run has (the browser's is built for every run); the containers never start.
    // A pid that was just ours and has exited: dead for certain.
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = exited.stdout.trim();
    const create = (host: string) =>
      dockerSync(['create', '--label', `${OWNER_PID_LABEL}=${pid}`, '--label', `${OWNER_HOST_LABEL}=${host}`, '--label', 'wspc.test=stale-runs', '--entrypoint', 'true', imageTag(browserImage)]).trim();
    const mine = create(here);
    const neighbour = create(`not-${here}`);
    try {
      await removeStaleRuns(() => undefined);
      const left = dockerSync(['ps', '-aq', '--no-trunc', '--filter', 'label=wspc.test=stale-runs']).split('\n').filter(Boolean);
      expect(left.some((id) => id.startsWith(mine))).toBe(false);
      expect(left.some((id) => id.startsWith(neighbour))).toBe(true);
    } finally {
      dockerSync(['rm', '-f', mine, neighbour]);
    }
  });
});
