import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeFindings, TIGHTER_PATTERN, validateWebConfig, type WebConfigFinding } from '../fixtures/iis/web-config.ts';
import { lab, scenarioFile, selectedForThisRun } from '../fixtures/lab/lab.ts';
import { settings } from '../fixtures/settings.ts';
import { repoRoot } from '../fixtures/lab/paths.ts';
import { recordResult } from '../fixtures/report/results.ts';

/** IIS cannot run here: the shipped web.config and its broken variants are validated as files. */
const CHECK = 'iis-websocket-rule';
const SHIPPED = 'proxies/iis/web.config';

const errors = (findings: WebConfigFinding[]) => findings.filter((f) => f.severity === 'error');
const ids = (findings: WebConfigFinding[]) => findings.map((f) => f.id);

function record(config: string, scenario: string | null, findings: WebConfigFinding[]) {
  const warnings = findings.length - errors(findings).length;
  recordResult({
    check: CHECK,
    proxy: 'iis',
    scenario,
    label: scenario ? `iis/${scenario}` : 'iis',
    config,
    status: errors(findings).length === 0 ? 'pass' : 'fail',
    detail: describeFindings(findings, ' '),
    figure: warnings > 0 ? `${warnings} warning${warnings > 1 ? 's' : ''}` : undefined,
  });
}

/** A web.config holding only `rules` (the inner XML of <rules>). */
const withRules = (rules: string) =>
  `<?xml version="1.0"?><configuration><system.webServer><rewrite><rules>${rules}</rules></rewrite></system.webServer></configuration>`;

// Only when the suite checks its own shipped configs, not a customer's (WSPC_CONFIG).
describe.runIf(selectedForThisRun(lab().controls && (!settings.narrowed() || settings.proxies([]).includes('iis')), 'the IIS web.config validation'))(`${CHECK}: the web.config has the guide's WebSocket rewrite rule`, () => {
  test('the shipped web.config passes, with a warning that ^ws(.*) also takes /wsdl and /ws-docs', () => {
    const findings = validateWebConfig(readFileSync(join(repoRoot, SHIPPED), 'utf8'));
    record(SHIPPED, null, findings);
    expect(errors(findings), describeFindings(findings)).toEqual([]);
    expect(ids(findings)).toEqual(['websocket-pattern-too-broad']);
    expect(findings[0]!.message).toMatch(/"\^ws\(\.\*\)" also matches \/wsdl and \/ws-docs/);
    expect(findings[0]!.suggestion).toContain(TIGHTER_PATTERN);
    expect(findings[0]!.line).toBe(12);
  });

  const controls: Array<{ scenario: string; id: string; symptom: RegExp }> = [
    { scenario: 'rule-missing', id: 'websocket-rule-missing', symptom: /no WebSocket rewrite rule.*\/ws falls to "ReverseProxy"/ },
    { scenario: 'rule-after-catch-all', id: 'websocket-rule-not-first', symptom: /comes after "ReverseProxy" \(line \d+\), which also matches \/ws and stops processing/ },
    { scenario: 'no-stop-processing', id: 'websocket-rule-no-stop-processing', symptom: /lacks stopProcessing="true".*"ReverseProxy"/ },
    { scenario: 'wrong-backend', id: 'websocket-rule-wrong-backend', symptom: /rewrites \/ws\/notifications to http:\/\/localhost:3000\/ws\/notifications, not to the backend http:\/\/localhost:5000/ },
  ];
  for (const { scenario, id, symptom } of controls) {
    test(`flags iis/${scenario}`, () => {
      const file = scenarioFile('iis', scenario);
      const findings = validateWebConfig(readFileSync(file, 'utf8'));
      record(file.slice(repoRoot.length + 1), scenario, findings);
      expect(ids(errors(findings))).toEqual([id]);
      expect(errors(findings)[0]!.message).toMatch(symptom);
    });
  }

  test('a pattern with a leading slash is flagged: IIS matches the path without it', () => {
    const findings = validateWebConfig(withRules('<rule name="WebSocket" stopProcessing="true"><match url="^/ws(.*)" /><action type="Rewrite" url="http://localhost:5000/{R:0}" /></rule>'));
    expect(ids(findings)).toEqual(['websocket-pattern-misses-ws']);
    expect(findings[0]!.message).toMatch(/does not match \/ws, \/ws\/, \/ws\/notifications: IIS matches the URL path without its leading slash/);
  });

  test('a rewrite that drops the /ws path is flagged', () => {
    const findings = validateWebConfig(withRules(`<rule name="WebSocket" stopProcessing="true"><match url="${TIGHTER_PATTERN}" /><action type="Rewrite" url="http://localhost:5000/{R:1}" /></rule>`));
    expect(ids(findings)).toEqual(['websocket-rule-drops-path']);
    expect(findings[0]!.message).toMatch(/rewrites \/ws\/notifications to http:\/\/localhost:5000\/\/notifications/);
  });

  test('the tighter pattern has no findings; malformed XML is reported with its line', () => {
    expect(validateWebConfig(withRules(`<rule name="WebSocket" stopProcessing="true"><match url="${TIGHTER_PATTERN}" /><action type="Rewrite" url="http://localhost:5000/{R:0}" /></rule>`))).toEqual([]);
    const broken = validateWebConfig('<configuration>\n<system.webServer>\n</configuration>');
    expect(ids(broken)).toEqual(['xml-invalid']);
    expect(broken[0]!.line).toBeGreaterThan(0);
  });
});
