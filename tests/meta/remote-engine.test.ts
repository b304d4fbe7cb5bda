import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../fixtures/lab/paths.ts';
import type { ChecklistJson } from '../../fixtures/report/checklist-report.ts';
import { dockerSync } from '../../fixtures/runtime/docker/docker-cli.ts';
import { engineHost, isRemoteEngine } from '../../fixtures/runtime/docker/engine.ts';
import { defaultRelease } from '../../fixtures/runtime/docker/images.ts';

// Needs: Docker, the nginx and browser images. A run against a Docker engine on another machine
// (DOCKER_HOST=tcp://...): the engine publishes ports on its own host, and its containers reach the
// backend only at the address the user names. Simulated as a CI job in a container of its own
// (GitLab's docker executor with a tcp:// engine): `wspc check` runs in a container with this
// machine's /usr but its own network namespace, so 127.0.0.1 there is not the engine's host, and
// it talks to the engine over TCP through a forwarder to the engine's socket.
describe('a remote Docker engine (DOCKER_HOST=tcp://...)', () => {
  test('the engine host comes from DOCKER_HOST; unix sockets and loopback are this machine', () => {
    expect(engineHost(undefined)).toBe('127.0.0.1');
    expect(engineHost('unix:///var/run/docker.sock')).toBe('127.0.0.1');
    expect(engineHost('tcp://10.0.3.7:2375')).toBe('10.0.3.7');
    expect(engineHost('ssh://ci@build-host.example')).toBe('build-host.example');
    expect(engineHost('tcp://[fd00::5]:2376')).toBe('fd00::5');
    expect(isRemoteEngine('tcp://localhost:2375')).toBe(false);
    expect(isRemoteEngine('tcp://127.0.0.1:2375')).toBe(false);
    expect(isRemoteEngine('tcp://10.0.3.7:2375')).toBe(true);
  });

  test('a run from another network namespace passes, with the backend at WSPC_BACKEND_ADDRESS; without it, exit 3 naming the setting', { timeout: 300_000 }, async () => {
    // The default bridge's address on this machine (its interface is docker0 unless configured): where a container reaches the host.
    const bridge = dockerSync(['network', 'inspect', 'bridge', '--format', '{{index .Options "com.docker.network.bridge.name"}}']).trim() || 'docker0';
    // (not os.networkInterfaces(): it leaves out a bridge that is down until a container joins it)
    const gateway = /inet (\d+\.\d+\.\d+\.\d+)/.exec(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' }))?.[1];
    if (!gateway) throw new Error(`no IPv4 address on Docker's bridge interface "${bridge}"`);
    const socketPath = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock';
    const forwarder = createServer((client) => {
      const engine = createConnection(socketPath);
      client.pipe(engine).pipe(client);
      const end = () => (client.destroy(), engine.destroy());
      client.on('error', end).on('close', end);
      engine.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => forwarder.listen(0, gateway, resolve));
    const dockerHost = `tcp://${gateway}:${(forwarder.address() as AddressInfo).port}`;
    const out = mkdtempSync(join(tmpdir(), 'wspc-remote-'));
    const inContainer = (script: string) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        const child = spawn('docker', [
          'run', '--rm', '--label', 'wspc.test=remote-engine',
          '-v', '/usr:/usr:ro', '-v', `${repoRoot}:${repoRoot}`, '-v', `${out}:${out}`, '-w', repoRoot,
          '-e', `DOCKER_HOST=${dockerHost}`, '-e', 'CI=true', '-e', 'NO_COLOR=1',
          `debian:${defaultRelease({ imageDir: 'proxies/nginx' })}-slim`, 'bash', '-c', script,
        ]);
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, output }));
      });
    try {
      const check = 'node bin/wspc.js check --proxy nginx --config proxies/nginx/inspect360.conf';
      // Docker writes the container's own address into its /etc/hosts.
      const run = await inContainer(`WSPC_BACKEND_ADDRESS=$(awk 'END{print $1}' /etc/hosts) ${check} --only tls-valid,upgrade,auth-1008,cookie-forwarded,browser,idle-timeout-24h --json ${out}/checklist.json`);
      const report = existsSync(join(out, 'checklist.json')) ? (JSON.parse(readFileSync(join(out, 'checklist.json'), 'utf8')) as ChecklistJson) : undefined;
      const statuses = Object.fromEntries(Object.entries(report?.proxies.nginx?.checks ?? {}).filter(([, c]) => c.status !== 'not run').map(([id, c]) => [id, c.status]));
      expect({ code: run.code, statuses, output: run.code === 0 ? '' : run.output.slice(-4000) }).toEqual({
        code: 0,
        statuses: { 'tls-valid': 'pass', upgrade: 'pass', 'auth-1008': 'pass', 'cookie-forwarded': 'pass', browser: 'pass', 'idle-timeout-24h': 'pass' },
        output: '',
      });
      const unset = await inContainer(`${check} --only upgrade`);
      expect(unset.code).toBe(3);
      expect(unset.output).toContain(`DOCKER_HOST names a Docker engine on another machine (${gateway})`);
      expect(unset.output).toContain('Set WSPC_BACKEND_ADDRESS to an IP address of this machine');
    } finally {
      forwarder.close();
    }
  });
});
