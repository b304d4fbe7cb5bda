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

/** Configs shaped as customers send them (fixtures/customer-configs/), each of which must run and pass. */
const customerConfigs: Array<{ proxy: string; file: string; what: string; args?: string[]; shows?: RegExp[] }> = [
  { proxy: 'nginx', file: 'fixtures/customer-configs/nginx-upstream-socket-path.conf', what: 'upstream block, app on :3000, WebSocket on /socket', args: ['--backend-port', '3000', '--path', '/socket'] },
  {
    proxy: 'nginx',
    file: 'fixtures/customer-configs/nginx-certbot.conf',
    what: "certbot-managed site (certbot's options include, ssl_dhparam, OCSP stapling)",
    shows: [/options-ssl-nginx\.conf placed with certbot's/, /Diffie-Hellman parameters .* placed at \/etc\/letsencrypt\/ssl-dhparams\.pem/],
  },
  {
    proxy: 'nginx',
    file: 'fixtures/customer-configs/nginx-template.conf',
    what: 'a template with its placeholders filled by --set',
    args: ['--set', 'your domain=portal.inspect360.ai', '--set', 'BACKEND=localhost:5000', '--set', 'APP_PORT=5000'],
    shows: [/\$\{BACKEND\} filled in with --set BACKEND=localhost:5000/],
  },
  {
    proxy: 'nginx',
    file: 'fixtures/customer-configs/nginx-behind-load-balancer.conf',
    what: 'plain HTTP on port 80 behind a TLS-terminating load balancer (the suite plays it)',
    shows: [/plain HTTP on port 80: TLS ends in front of this config/, /tls-valid \| pass \(TLS in front\)/],
  },
  { proxy: 'nginx', file: 'fixtures/customer-configs/nginx-whole-nginx.conf', what: 'a whole nginx.conf (events and http blocks)' },
  { proxy: 'apache', file: 'fixtures/customer-configs/apache-listen.conf', what: 'a vhost file with its own Listen 80 / Listen 443', shows: [/Listen 443 https {2}\(the image's ports\.conf already listens on 443\)/] },
  {
    proxy: 'caddy',
    file: 'fixtures/customer-configs/caddy-no-idle-limit.Caddyfile',
    what: 'a Caddyfile with no idle limit and no X-Real-IP (nothing the guide asks is missing)',
    shows: [/keepalive \| pass \(no idle limit\)/],
  },
];

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
    for (const customer of customerConfigs.filter((c) => selected.has(c.proxy))) {
      test(`a customer config: ${customer.what}: exit 0`, async () => {
        const result = await wspc(customer.proxy, customer.file, customer.args ?? []);
        expect(result.failed, result.stdout).toEqual([]);
        expect(result.code, result.stderr.slice(-2000)).toBe(0);
        for (const shown of customer.shows ?? []) expect(`${result.stderr}\n${result.stdout}`).toMatch(shown);
      }, RUN_TIMEOUT_MS);
    }
    test('a customer template with placeholders left open: exit 2, every one named in one message, before Docker starts', async () => {
      const result = await wspc('nginx', 'fixtures/customer-configs/nginx-template.conf');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/3 value\(s\) left to fill in: <your domain> \(line 13\), \$\{BACKEND\} \(line 28\), APP_PORT \(line 50\)/);
      expect(result.stderr).toMatch(/--set 'your domain=\.\.\.' --set 'BACKEND=\.\.\.' --set 'APP_PORT=\.\.\.'/);
    });
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
