import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { readCatalog } from '../../fixtures/catalog.ts';
import { checkIds, groupOf } from '../../fixtures/checklist.ts';
import { customerConfigs } from '../../fixtures/customer-configs/index.ts';
import { lab } from '../../fixtures/lab/lab.ts';
import { settings } from '../../fixtures/settings.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';
import { proxies } from '../../fixtures/proxies/index.ts';
import { RUN_TIMEOUT_MS, wspc } from '../../fixtures/cli-run.ts';
import { isFinding } from '../../fixtures/report/findings.ts';
import { checklistSchemaErrors } from '../../fixtures/report/schema.ts';
import type { ChecklistJson } from '../../fixtures/report/checklist-report.ts';

const selected = new Set(settings.proxies(Object.keys(proxies)));
const base = (file: string) => file.split('/').pop()!.replace(/\.[^.]+$/, '');

/**
 * Every catalog entry and customer-shaped config is a column of the suite's own run, judged there
 * by the same checks (fixtures/harness.ts). This file keeps the CLI's own path tested end to end,
 * as a support engineer runs it: per proxy its shipped config and one catalog entry, plus the
 * customer configs whose adaptation the CLI prints, as columns of one `wspc check`; and the inputs
 * it must refuse with exit 2.
 */
if (lab().controls) {
  describe('catalog: `wspc check` as a support engineer runs it', () => {
    const catalog = readCatalog();
    // The first entry of each proxy that fails a few checks (not every one), so the columns show both
    // verdicts, and at least one of the checklist's: given by path, an entry failing only checks beyond
    // it has findings (warnings), not the errors asserted here (ci16 picked apache/extensions-unset).
    const broken = Object.keys(proxies)
      .filter((p) => selected.has(p))
      .map((p) => catalog.find((e) => e.proxy === p && e.exit === 1 && e.fails.length <= 3 && e.guide && e.fails.some((id) => groupOf(id) === 'checklist'))!)
      .filter(Boolean);
    // --path and --backend-port apply to every config of a run; --set values only where a config names them.
    const customers = customerConfigs.filter((c) => selected.has(c.proxy) && c.shows && !c.appPort && !c.wsPath);
    const sets = [
      ...customers.flatMap((c) => Object.entries(c.placeholders ?? {})).flatMap(([name, value]) => ['--set', `${name}=${value}`]),
      ...customers.flatMap((c) => c.includes ?? []).flatMap((file) => ['--include', file]),
    ];
    const columns = [
      ...Object.keys(proxies).filter((p) => selected.has(p)).map((p) => ({ proxy: p, file: proxies[p]!.configFile, fails: [] as string[] })),
      ...broken.map((e) => ({ proxy: e.proxy, file: e.file, fails: [...e.fails].sort() })),
      // A customer-shaped config fails only beyond the checklist: its pinned findings.
      ...customers.map((c) => ({ proxy: c.proxy, file: c.file, fails: [...(c.findings ?? [])].sort() })),
    ];

    test(`${columns.length} configs as columns of one run: exit 1, each failing exactly its declared checks, with the guide's words`, async () => {
      // As in a GitHub Actions job: annotations on the config lines, the table in the job summary.
      const summary = join(mkdtempSync(join(tmpdir(), 'wspc-summary-')), 'summary.md');
      const result = await wspc([...columns.flatMap((c) => ['--proxy', c.proxy, '--config', c.file]), ...sets], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
      const output = `${result.stderr}\n${result.stdout}`;
      expect(result.code, output.slice(-3000)).toBe(broken.length > 0 ? 1 : 0);
      for (const column of columns) expect(result.failed[`${column.proxy}:${base(column.file)}`], `${column.file}\n${result.stdout}`).toEqual(column.fails);
      for (const entry of broken) {
        expect(result.stdout).toContain(`on ${entry.proxy}:${entry.name}:`);
        expect(result.stdout).toContain(`guide section "${entry.guide}"`);
      }
      for (const shown of customers.flatMap((c) => c.shows ?? [])) expect(output).toMatch(shown);
      for (const entry of broken) expect(result.stdout).toMatch(new RegExp(`^::error file=${entry.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,line=\\d+)?,title=\\S+ failed on ${entry.proxy}%3A${entry.name}::`, 'm'));
      expect(result.stdout, 'an annotation on the directive\'s line').toMatch(/^::error file=proxies\/\S+,line=\d+,/m);
      expect(readFileSync(summary, 'utf8')).toMatch(/^\| check \| .*\|$/m);
      // JUnit XML for CI test reporters: one testcase per check and column, parsed as a consumer would.
      const reports = /Full report and diagnostics: (\S+)/.exec(result.stdout)?.[1];
      const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(reports!, 'junit.xml'), 'utf8')) as {
        testsuites: { testsuite: Array<{ testcase?: Array<{ name: string; failure?: unknown }> | { name: string; failure?: unknown } }> | { testcase?: unknown } };
      };
      const suites = [junit.testsuites.testsuite].flat() as Array<{ testcase?: Array<{ name: string; failure?: unknown }> | { name: string; failure?: unknown } }>;
      const cases = suites.flatMap((suite) => [suite.testcase ?? []].flat());
      for (const column of columns) {
        // Every check wspc check runs without options: capacity only with --connections.
        for (const id of checkIds.filter((id) => groupOf(id) !== 'capacity')) {
          const label = `${column.proxy}:${base(column.file)}`;
          const named = cases.filter((c) => c.name === `${id} passes on ${label}` || c.name.endsWith(` > ${id} passes on ${label}`));
          expect(named, `${id} on ${label} in junit.xml`).toHaveLength(1);
          // A finding is reported, not a failed test case.
          expect(named[0]!.failure !== undefined, `${id} on ${label}: failure in junit.xml`).toBe(column.fails.includes(id) && !isFinding(id, column.file, false));
        }
      }
      for (const c of customers)
        for (const [id, figure] of Object.entries(c.figures ?? {})) expect(result.figures[`${c.proxy}:${base(c.file)}`]?.[id], `${id} on ${c.file}`).toMatch(figure);
      // The JSON report keeps its published shape (fixtures/report/checklist.schema.json).
      expect(checklistSchemaErrors(result.report)).toEqual([]);
      // Progress on stderr: a line per verdict as it lands.
      expect(result.stderr).toMatch(/^\[wspc +\d+ s\] (pass|FAIL) {2}tls-valid on \S+ \(\d+\.\d s\)$/m);
    }, RUN_TIMEOUT_MS);

    test('a customer template with placeholders left open: exit 2, every one named in one message, before Docker starts', async () => {
      const result = await wspc(['--proxy', 'nginx', '--config', 'fixtures/customer-configs/nginx-template.conf']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/3 value\(s\) left to fill in: <your domain> \(line 13\), \$\{BACKEND\} \(line 28\), APP_PORT \(line 51\)/);
      expect(result.stderr).toMatch(/--set 'your domain=\.\.\.' --set 'BACKEND=\.\.\.' --set 'APP_PORT=\.\.\.'/);
    });

    for (const entry of catalog.filter((e) => e.exit === 2 && e.proxy === 'nginx' && selected.has('nginx'))) {
      test(`${entry.file}: exit 2, the proxy's own message with its line`, async () => {
        const result = await wspc(['--proxy', entry.proxy, '--config', entry.file]);
        expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(2);
        expect(result.stderr).toMatch(/rejected .* \(exited with code \d+\)/);
        expect(result.stderr).toMatch(/line \d+|:\d+/);
      }, RUN_TIMEOUT_MS);
    }

    test('a directive the pinned version lacks (http2 on, on nginx@1.22): exit 2, naming the version that has it', async () => {
      const result = await wspc(['--proxy', 'nginx@1.22', '--config', 'fixtures/customer-configs/nginx-http2-directive.conf']);
      expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(2);
      expect(result.stderr).toMatch(/unknown directive "http2"/);
      expect(result.stderr).toMatch(/line 21: "http2 on" needs nginx 1\.25\.1 or later .*; this is nginx 1\.22 \(bookworm\): run it on nginx@1\.26 or nginx@1\.30/);
    }, RUN_TIMEOUT_MS);

    test('a directive the pinned version no longer has (ssl on, on nginx@1.26): exit 2, naming the versions that have it', async () => {
      const result = await wspc(['--proxy', 'nginx@1.26', '--config', 'fixtures/customer-configs/nginx-ssl-on.conf']);
      expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(2);
      expect(result.stderr).toMatch(/unknown directive "ssl"/);
      expect(result.stderr).toMatch(/line \d+: "ssl on" is gone from nginx 1\.25\.1 on .*; this is nginx 1\.26 \(trixie\): run it on nginx@1\.18 or nginx@1\.22/);
    }, RUN_TIMEOUT_MS);

    test('a Caddy 2.7 subdirective on Caddy 2.6 (caddy@2.6): exit 2, naming the version that has it', async () => {
      const result = await wspc(['--proxy', 'caddy@2.6', '--config', 'fixtures/customer-configs/caddy-stream-timeout.Caddyfile']);
      expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(2);
      expect(result.stderr).toMatch(/stream_timeout/);
      expect(result.stderr).toMatch(/"stream_timeout" needs caddy 2\.7\.0 or later .*; this is caddy 2\.6 \(bookworm\): run it on caddy@2\.11/);
    }, RUN_TIMEOUT_MS);

    test('a configuration directory for a proxy that reads none, or without its main file: exit 2 before Docker starts', async () => {
      const result = await wspc(['--proxy', 'haproxy', '--config', 'fixtures/customer-configs/etc-nginx']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/is a directory: a whole configuration directory is read for nginx .*, Apache .* and Caddy .*; for haproxy give the config file itself/);
      const apache = await wspc(['--proxy', 'apache', '--config', 'fixtures/customer-configs/etc-nginx']);
      expect(apache.code).toBe(2);
      expect(apache.stderr).toMatch(/is a directory without apache2\.conf/);
    });

    test('beyond the checklist a failure is a finding: exit 0 and FINDING on a given config, exit 1 with --strict', async () => {
      // The entry fails origin-query only (its query string dropped); upgrade still passes there.
      const args = ['--proxy', 'haproxy', '--config', 'proxies/haproxy/scenarios/query-dropped.cfg', '--only', 'upgrade,origin-query'];
      const plain = await wspc(args, { GITHUB_ACTIONS: 'true' });
      expect(plain.code, plain.stderr.slice(-2000)).toBe(0);
      expect(plain.stdout).toMatch(/^FINDING origin-query: the query string was dropped/m);
      expect(plain.stdout).toMatch(/1 passed, 0 failed, 1 finding\(s\) beyond the checklist \(--strict makes them failures\)/);
      expect(plain.stdout, 'a warning annotation, not an error').toMatch(/^::warning .*title=origin-query failed on haproxy::/m);
      const strict = await wspc([...args, '--strict']);
      expect(strict.code, strict.stderr.slice(-2000)).toBe(1);
      expect(strict.stdout).toMatch(/^FAIL origin-query: the query string was dropped/m);
    }, RUN_TIMEOUT_MS);

    test("a copy of /etc/apache2 runs as the image's apache2.conf, and changes name the included file's line", async () => {
      const result = await wspc(['--proxy', 'apache', '--config', 'fixtures/customer-configs/etc-apache2', '--only', 'upgrade,idle-timeout-24h']);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(result.stderr).toMatch(/line 225 \(\/etc\/apache2\/sites-enabled\/inspect360\.conf:28\): ProxyPass \/ws ws:\/\/localhost:5000\/ws {2}\(backend address of the test run\)/);
      expect(result.report?.proxies.apache?.checks['idle-timeout-24h']?.status).toBe('pass');
    }, RUN_TIMEOUT_MS);

    test('the CLI explains itself: help on stdout, --version, a bad --time-scale refused before Docker starts', async () => {
      const run = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(process.execPath, [join(repoRoot, 'bin', 'wspc.js'), ...args], { cwd: repoRoot }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })),
        );
      for (const args of [['--help'], ['check', '--help']]) {
        const help = await run(args);
        expect(help.code, args.join(' ')).toBe(0);
        expect(help.stdout).toMatch(/^Usage: wspc check --proxy/);
        expect(help.stdout).toMatch(/Exit: 0 every check passed/);
      }
      expect((await run(['--version'])).stdout).toMatch(/^wspc \d+\.\d+\.\d+\n$/);
      const scale = await run(['check', '--proxy', 'nginx', '--config', 'proxies/nginx/inspect360.conf', '--time-scale', 'abc']);
      expect(scale.code).toBe(2);
      expect(scale.stderr).toMatch(/--time-scale="abc" is not a time scale/);
    });

    test('--only reruns some checks, --out names the report folder, --json - puts the JSON on stdout', async () => {
      const out = mkdtempSync(join(tmpdir(), 'wspc-out-'));
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [join(repoRoot, 'bin', 'wspc.js'), 'check', '--proxy', 'nginx', '--config', 'proxies/nginx/scenarios/http10.conf', '--only', 'http11,upgrade', '--out', out, '--json', '-'],
          { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: RUN_TIMEOUT_MS, env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' } },
          (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      expect(run.code, run.stderr.slice(-2000)).toBe(1);
      const json = JSON.parse(run.stdout) as ChecklistJson;
      expect(json.proxies.nginx!.checks.http11!.status).toBe('fail');
      expect(json.proxies.nginx!.checks.upgrade!.status).toBe('pass');
      expect(json.proxies.nginx!.checks['tls-valid']!.status).toBe('not run');
      expect(run.stderr).toMatch(/^http11 +FAIL$/m);
      expect(run.stderr).not.toMatch(/\*\*FAIL\*\*\n\n1 passed/);
      expect(run.stderr).toMatch(/1 passed, 1 failed/);
      expect(readdirSync(out)).toEqual(expect.arrayContaining(['checklist.json', 'checklist.md', 'junit.xml']));
    }, RUN_TIMEOUT_MS);

    test('an unknown proxy version: exit 2 listing the versions built here, before Docker starts', async () => {
      const result = await wspc(['--proxy', 'nginx@1.99', '--config', 'proxies/nginx/inspect360.conf']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/No nginx "1\.99" is built here: expected one of nginx@1\.18 \(bullseye\), nginx@1\.22 \(bookworm, the default\), nginx@1\.26 \(trixie\), nginx@1\.30 \(sid\)/);
    });

    // IIS web.configs are validated as files; the in-process run judges them too. Like a proxy, IIS
    // is left out of a run narrowed to other proxies (WSPC_PROXIES).
    const iisSelected = !settings.narrowed() || selected.has('iis');
    for (const entry of catalog.filter((e) => e.proxy === 'iis' && iisSelected)) {
      test(`${entry.file}: exit ${entry.exit}${entry.fails.length ? `, fails ${entry.fails.join(', ')}` : ''}`, async () => {
        const result = await wspc(['--proxy', 'iis', '--config', entry.file]);
        expect(result.code, `${result.stdout}\n${result.stderr.slice(-2000)}`).toBe(entry.exit);
        if (entry.exit === 1) expect(Object.values(result.failed).flat().sort()).toEqual([...entry.fails].sort());
        if (entry.guide && entry.exit === 1) expect(result.stdout).toContain(`guide section "${entry.guide}"`);
      }, RUN_TIMEOUT_MS);
    }

    test('--keep-going where the proxy refuses every config: exit 1 and a report that lists the refusal', async () => {
      const result = await wspc(['--keep-going', '--proxy', 'nginx', '--config', 'proxies/nginx/scenarios/syntax-error.conf']);
      expect(result.code, result.stderr.slice(-2000)).toBe(1);
      expect(result.report?.rejected.map((r) => r.config)).toEqual(['proxies/nginx/scenarios/syntax-error.conf']);
      expect(result.stderr).not.toMatch(/No test found/);
    }, RUN_TIMEOUT_MS);

    test('wspc check refuses a second config next to an IIS web.config: exit 2', async () => {
      const result = await wspc(['--proxy', 'iis', '--config', 'proxies/iis/web.config', '--proxy', 'nginx', '--config', proxies.nginx!.configFile]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/check it on its own/);
    });
  });
}
