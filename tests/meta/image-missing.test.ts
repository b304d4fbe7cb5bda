import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../fixtures/lab/paths.ts';

// Needs: Docker. A selected proxy whose image is not built and cannot be built (no registry, no
// Debian mirror on a CI runner) fails the run: it is never dropped from it. The engine is real; a
// `docker` first on PATH hides nginx's images and fails nginx's build, as such a runner would.
const realDocker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();

function withoutNginxImage(): string {
  const bin = mkdtempSync(join(tmpdir(), 'wspc-no-nginx-image-'));
  writeFileSync(
    join(bin, 'docker'),
    `#!/usr/bin/env bash
for arg in "$@"; do case "$arg" in wspc-nginx-*) [ "$1" = image ] && exit 1;; esac; done
if [ "$1" = build ]; then for arg in "$@"; do case "$arg" in */proxies/nginx) echo "ERROR: failed to resolve source metadata for docker.io/library/debian: no registry" >&2; exit 1;; esac; done; fi
exec ${realDocker} "$@"
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return bin;
}

describe("a selected proxy's image that cannot be had fails the run", () => {
  test('CI=true WSPC_PROXIES=nginx without nginx image: exit 3, the image and the fix named', () => {
    const reports = mkdtempSync(join(tmpdir(), 'wspc-no-nginx-reports-'));
    const run = spawnSync(join(repoRoot, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'checks', '--project', 'timing'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: 'true', WSPC_PROXIES: 'nginx', WSPC_REPORTS_DIR: reports, PATH: `${withoutNginxImage()}${delimiter}${process.env.PATH}` },
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/\[wspc\] the nginx image \(wspc-nginx-bookworm:\w+, Debian bookworm\) is not built and could not be built: [\s\S]*no registry/);
    expect(run.stderr).toContain('Run "npm run setup"');
    expect(JSON.parse(readFileSync(join(reports, 'setup-error.json'), 'utf8'))).toMatchObject({ badInput: false, message: expect.stringContaining('the nginx image') });
  });
});
