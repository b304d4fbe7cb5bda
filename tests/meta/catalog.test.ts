import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCatalog } from '../../fixtures/catalog.ts';
import { lab } from '../../fixtures/lab/lab.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';
import { proxies } from '../../fixtures/proxies/index.ts';
import type { ChecklistJson } from '../../fixtures/report/checklist-report.ts';

/** Runs `wspc check` as a support engineer would; resolves with its exit code, output and JSON report. */
function wspc(proxy: string, config: string, extra: string[] = []) {
  const json = join(mkdtempSync(join(tmpdir(), 'wspc-catalog-')), 'checklist.json');
  return new Promise<{ code: number; stdout: string; stderr: string; failed: string[] }>((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'wspc.js'), 'check', '--proxy', proxy, '--config', config, '--json', json, ...extra],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) => {
        let failed: string[] = [];
        try {
          const report = JSON.parse(readFileSync(json, 'utf8')) as ChecklistJson;
          failed = Object.values(report.proxies).flatMap((p) => Object.entries(p.checks).filter(([, c]) => c.status === 'fail').map(([id]) => id));
        } catch {
          // No report: bad input or environment, told by the exit code.
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, failed });
      },
    );
  });
}

/** A whole suite run per entry, on a 2-core machine shared with the rest of the suite. */
const RUN_TIMEOUT_MS = 240_000;
const selected = new Set(lab().targets.map((t) => t.proxy));

// The CLI against every shipped config and every catalog entry: a full run each, one at a time
// (the timeout checks measure wall time), so `npm test` runs this file on its own, after the rest.
if (lab().controls) {
  describe('catalog: `wspc check` flags exactly the declared checks of each known broken config', () => {
    for (const name of Object.keys(proxies).filter((p) => selected.has(p))) {
      test(`shipped ${name} config: exit 0`, async () => {
        const result = await wspc(name, proxies[name]!.configFile);
        expect(result.failed, result.stdout).toEqual([]);
        expect(result.code, result.stderr.slice(-2000)).toBe(0);
      }, RUN_TIMEOUT_MS);
    }
    if (selected.has('nginx')) {
      test('a customer config (upstream block, app on :3000, WebSocket on /socket): exit 0', async () => {
        const result = await wspc('nginx', 'fixtures/customer-configs/nginx-upstream-socket-path.conf', ['--backend-port', '3000', '--path', '/socket']);
        expect(result.failed, result.stdout).toEqual([]);
        expect(result.code, result.stderr.slice(-2000)).toBe(0);
      }, RUN_TIMEOUT_MS);
    }
    if (selected.has('nginx')) {
      test("a customer's certbot-managed nginx site (certbot's options include, ssl_dhparam, OCSP stapling): exit 0", async () => {
        const result = await wspc('nginx', 'fixtures/customer-configs/nginx-certbot.conf');
        expect(result.failed, result.stdout).toEqual([]);
        expect(result.code, result.stderr.slice(-2000)).toBe(0);
        expect(result.stderr).toMatch(/options-ssl-nginx\.conf placed with certbot's/);
        expect(result.stderr).toMatch(/Diffie-Hellman parameters .* placed at \/etc\/letsencrypt\/ssl-dhparams\.pem/);
      }, RUN_TIMEOUT_MS);
    }
    if (selected.has('caddy')) {
      test('a customer Caddy config with no idle limit and no X-Real-IP (nothing the guide asks is missing): exit 0', async () => {
        const result = await wspc('caddy', 'fixtures/customer-configs/caddy-no-idle-limit.Caddyfile');
        expect(result.failed, result.stdout).toEqual([]);
        expect(result.code, result.stderr.slice(-2000)).toBe(0);
        expect(result.stdout).toMatch(/keepalive \| pass \(no idle limit\)/);
      }, RUN_TIMEOUT_MS);
    }
    // IIS web.configs are validated as files, whatever proxies run.
    for (const entry of readCatalog().filter((e) => selected.has(e.proxy) || e.proxy === 'iis')) {
      test(`${entry.file}: exit ${entry.exit}${entry.fails.length ? `, fails ${entry.fails.join(', ')}` : ''}`, async () => {
        const result = await wspc(entry.proxy, entry.file);
        expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(entry.exit);
        if (entry.exit === 2) {
          expect(result.stderr).toMatch(/rejected .* \(exited with code \d+\)/);
          expect(result.stderr).toMatch(/line \d+|:\d+/);
          return;
        }
        expect([...result.failed].sort()).toEqual([...entry.fails].sort());
        if (entry.guide) expect(result.stdout).toContain(`guide section "${entry.guide}"`);
      }, RUN_TIMEOUT_MS);
    }
  });
}
