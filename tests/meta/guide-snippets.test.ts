import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RUN_TIMEOUT_MS, wspc } from '../../fixtures/cli-run.ts';
import { checklistSchemaErrors } from '../../fixtures/report/schema.ts';
import { GUIDE_COPY, GUIDE_ORIGINAL, guideRuns, guideSnippets, iisRuleAsWebConfig } from '../../fixtures/guide/snippets.ts';
import { describeFindings, validateWebConfig } from '../../fixtures/iis/web-config.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';
import { settings } from '../../fixtures/settings.ts';

// The guide's own config blocks, run as written through `wspc check` (the same checks as every
// config), so the guide and the shipped configs cannot drift apart silently. The verdicts are
// pinned in fixtures/guide/snippets.ts; the report goes to guide-snippets.md in the reports folder.
describe("the deployment guide's own config blocks", () => {
  test('the copy the suite runs is the guide beside the project', () => {
    // Checked out alone (a CI clone), only the copy exists: it is what runs, and this says so.
    if (!existsSync(GUIDE_ORIGINAL)) return;
    expect(readFileSync(GUIDE_COPY, 'utf8'), `${GUIDE_COPY} differs from ${GUIDE_ORIGINAL}: copy the guide over and update the pinned verdicts`).toBe(readFileSync(GUIDE_ORIGINAL, 'utf8'));
  });

  test('the nginx and Apache blocks, as written and mended step by step, earn their pinned verdicts', async () => {
    // A run narrowed with WSPC_PROXIES runs the blocks of the proxies it selects.
    const selected = new Set(settings.proxies(['nginx', 'apache', 'iis']).map((p) => p.split('@')[0]));
    const runs = guideRuns().filter((r) => selected.has(r.proxy));
    const dir = mkdtempSync(join(tmpdir(), 'wspc-guide-'));
    const args = runs.flatMap((r) => {
      const file = join(dir, `${r.label}.conf`);
      writeFileSync(file, r.text);
      return ['--proxy', r.proxy, '--config', file];
    });
    const rows: string[] = [];
    const result = runs.length ? await wspc(['--keep-going', ...args]) : undefined;
    const report = result?.report;
    if (runs.length) {
      expect(report, result?.stderr.slice(-2000)).toBeDefined();
      // A report with a rejected column and diagnoses keeps the published shape too.
      expect(checklistSchemaErrors(report)).toEqual([]);
    }
    for (const run of runs) {
      const rejected = report!.rejected.find((r) => r.config.endsWith(`${run.label}.conf`));
      // By the config that ran: a column's label is the proxy's name when it runs alone ("nginx").
      const column = Object.values(report!.proxies).find((c) => c.config.endsWith(`${run.label}.conf`));
      if (!rejected) expect(column, `${run.label}: no column in the report (${Object.keys(report!.proxies).join(', ')})`).toBeDefined();
      const failed = column ? Object.entries(column.checks).filter(([, c]) => c.status === 'fail').map(([id]) => id) : [];
      const verdict = rejected ? `rejected: ${rejected.message.match(/Cannot load [^\n]*|AH\d+[^\n]*/)?.[0] ?? rejected.message.split('\n')[0]}` : failed.length ? `fails ${failed.join(', ')}` : 'passes every check';
      rows.push(`| ${run.snippet.name} (guide line ${run.snippet.line}) | ${run.step} | ${verdict} | ${run.expect.why} |`);
      if (run.expect.rejected) {
        expect(rejected?.message, `${run.label}: expected the proxy to refuse it`).toMatch(run.expect.rejected);
        continue;
      }
      expect(rejected, `${run.label} was rejected: ${rejected?.message}`).toBeUndefined();
      expect(failed.sort(), `${run.label} (${run.step})`).toEqual([...run.expect.fails].sort());
      for (const [id, pattern] of Object.entries(run.expect.detail ?? {})) expect(column!.checks[id]!.detail, `${run.label} ${id}`).toMatch(pattern);
    }
    const iis = guideSnippets().find((s) => s.proxy === 'iis')!;
    if (!selected.has('iis')) return;
    const findings = validateWebConfig(iisRuleAsWebConfig(iis));
    rows.push(`| ${iis.name} (guide line ${iis.line}) | the rule inside a minimal web.config (IIS cannot run here: validated as a file) | ${findings.length ? describeFindings(findings, '; ').replace(/\|/g, '\\|') : 'no findings'} | the rule's pattern also takes /wsdl and /ws-docs |`);
    // The rule sends /ws to the backend (no error); its bare prefix pattern is the one warning.
    expect(findings.map((f) => `${f.severity} ${f.id}`)).toEqual([expect.stringMatching(/^warning /)]);
    const markdown = [
      "# The deployment guide's own config blocks, run through the checks",
      '',
      `Guide: ${GUIDE_COPY.replace(`${repoRoot}/`, '')}. Each block runs as written; where it fails, the smallest mend is applied and it runs again, so every layer shows.`,
      '',
      '| block | step | verdict | why |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
    writeFileSync(join(settings.reportsDir(repoRoot), 'guide-snippets.md'), markdown);
    process.stdout.write(`\n${markdown}`);
  }, RUN_TIMEOUT_MS);
});
