import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../fixtures/lab/paths.ts';

// Needs: nothing (no Docker). `npm run setup` takes paths this machine cannot: a hosted runner
// where the registry answers, a host without apt. Its decisions are run here with stand-ins for
// the commands it calls (each records its arguments), on a PATH holding nothing else.
const tools = ['bash', 'sh', 'env', 'cat', 'sed', 'awk', 'grep', 'head', 'tail', 'mktemp', 'rm', 'tar', 'dirname', 'id', 'seq', 'sleep', 'timeout', 'flock', 'true', 'mkdir'];

interface Host {
  /** Stand-ins: name -> shell body run with the command's arguments (default: record and succeed). */
  commands: Record<string, string>;
}

function runOn(host: Host, script: string, args: string[] = []) {
  const bin = mkdtempSync(join(tmpdir(), 'wspc-setup-host-'));
  const log = join(bin, 'calls.log');
  for (const tool of tools) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (real && !existsSync(join(bin, tool))) symlinkSync(real, join(bin, tool));
  }
  for (const [name, body] of Object.entries(host.commands)) {
    writeFileSync(join(bin, name), `#!${join(bin, 'bash')}\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const run = spawnSync(join(bin, 'bash'), [join(repoRoot, 'scripts', script), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: bin, HOME: bin },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { status: run.status, output: run.stdout + run.stderr, calls };
}

const ok = 'exit 0';
const fail = 'exit 1';

describe('npm run setup: the base image', () => {
  test('already there: nothing pulled, nothing built', () => {
    const run = runOn({ commands: { docker: ok } }, 'build-base-image.sh', ['debian:bookworm-slim']);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['docker image inspect debian:bookworm-slim']);
  });

  test('a registry answers (a hosted runner): pulled; no debootstrap, no apt', () => {
    const docker = '[ "$1" = image ] && exit 1; exit 0';
    const run = runOn({ commands: { docker, 'apt-get': ok, debootstrap: ok } }, 'build-base-image.sh', ['debian:trixie-slim']);
    expect(run.status).toBe(0);
    expect(run.output).toContain('pulled debian:trixie-slim');
    expect(run.calls).toEqual(['docker image inspect debian:trixie-slim', 'docker pull debian:trixie-slim']);
  });

  test('no registry, debootstrap missing, no apt: stops naming what to install', () => {
    const run = runOn({ commands: { docker: fail } }, 'build-base-image.sh', ['debian:bookworm-slim']);
    expect(run.status).toBe(1);
    expect(run.output).toContain('no registry answers and debootstrap is missing on a system without apt: install debootstrap, or give Docker a registry');
  });

  test("no registry: debootstrap builds the release from the mirror apt uses (or DEBIAN_MIRROR), imported under the FROM line's tag", () => {
    const docker = '[ "$1" = import ] && { cat >/dev/null; exit 0; }; exit 1';
    const run = runOn({ commands: { docker, debootstrap: 'mkdir -p "$3/etc/apt" "$3/var/lib/apt/lists" "$3/var/cache/apt/archives"' } }, 'build-base-image.sh', ['debian:bullseye-slim']);
    expect(run.status).toBe(0);
    expect(run.calls.find((c) => c.startsWith('debootstrap'))).toMatch(/^debootstrap --variant=minbase bullseye \S+ https?:\/\/\S+\/debian$/);
    expect(run.calls.at(-1)).toBe('docker import --change CMD ["bash"] - debian:bullseye-slim');
  });
});

describe('npm run setup: the host', () => {
  // npm and npx stand in for the package install and the image builds that follow; sysctl for the
  // per-container TCP tables, set only where the host's value is still 0.
  const rest = { npm: ok, npx: ok, sysctl: ok };

  test('Docker already answers: no apt, no engine start; packages, base image and images in order', () => {
    const docker = '[ "$1" = info ] && [ "$2" = --format ] && echo 27.5.1; exit 0';
    const run = runOn({ commands: { docker, 'apt-get': ok, ...rest } }, 'setup.sh');
    expect(run.status).toBe(0);
    expect(run.output).toContain('Docker engine 27.5.1 is up');
    expect(run.calls.filter((c) => !c.startsWith('docker') && !c.startsWith('sysctl'))).toEqual(['npm ci --no-audit --no-fund', 'npx tsx scripts/build-images.ts']);
  });

  test('no Docker and no apt (not Debian-like): stops naming the missing package', () => {
    const run = runOn({ commands: rest }, 'setup.sh');
    expect(run.status).toBe(1);
    expect(run.output).toContain('missing: docker.io, and this is not a Debian-like system: install them, then run this again');
    expect(run.calls).toEqual([]);
  });
});
