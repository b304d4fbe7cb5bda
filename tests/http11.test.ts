import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { describe, expect, test } from 'vitest';
import { startBackend } from '../fixtures/backend/server.ts';
import { describeAttempt, openSocket } from '../fixtures/clients/ws-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab, scenarioFile, selectedForThisRun, startScenario, stopTarget, workerRuntime } from '../fixtures/lab/lab.ts';
import type { Target } from '../fixtures/lab/target.ts';
import { diagnose } from '../fixtures/diagnosis/diagnose.ts';
import { nginx } from '../fixtures/proxies/nginx/index.ts';
import { readFileSync } from 'node:fs';

/** The check, a value: the version test below runs it on each nginx. */
const http11 = async (target: Target) => {
    const { cookie } = await freshSession(target, 'http11');
    const { seen, clientSaw, attempt } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    if (seen.httpVersion !== '1.1') {
      // What the HTTP/1.0 request did depends on the proxy as much as the backend: Apache's
      // force-proxy-request-1.0 drops Upgrade and Connection with it (measured on 2.4.71), nginx's
      // proxy_http_version 1.0 keeps them and the backend decides.
      const consequence = !header(seen, 'upgrade')
        ? 'the Upgrade header did not come with it, so no backend could upgrade'
        : !attempt.ws && lab().backend.mode === 'strict'
          ? 'this backend follows RFC 9110 section 7.8 and ignored the Upgrade'
          : attempt.ws
            ? "this backend, like Inspect360's Node backend, accepted it anyway; one that follows RFC 9110 section 7.8 would ignore the Upgrade (--strict-backend)"
            : 'the backend did not upgrade it';
      return outcome.fail(`backend saw the upgrade over HTTP/${seen.httpVersion} (client: ${clientSaw}): ${consequence}`, { evidence: seen });
    }
    return outcome.pass('backend saw GET /ws over HTTP/1.1', { evidence: seen });
};

defineCheck('http11', http11, [
  { proxy: 'nginx', scenario: 'http10', symptom: /HTTP\/1\.0/ },
  { proxy: 'nginx', scenario: 'no-http-version', symptom: /HTTP\/1\.0/ },
  { proxy: 'apache', scenario: 'force-http10', symptom: /backend saw the upgrade over HTTP\/1\.0 .*the Upgrade header did not come with it/ },
]);

// The catalog's http10 entry says what happens with each backend; this runs both.
const nginxControls = selectedForThisRun(lab().controls && lab().targets.some((t) => t.proxy === 'nginx'), 'the http10 scenario against both backend modes (nginx controls)');
describe.runIf(nginxControls)('nginx proxy_http_version 1.0 with each backend', () => {
  test("a backend like Inspect360's accepts the upgrade over HTTP/1.0; an RFC 9110 strict one answers 400", async () => {
    const outcomes: Record<string, string> = {};
    for (const mode of ['default', 'strict'] as const) {
      const backend = await startBackend({ port: 0, host: '0.0.0.0', mode, wsPath: '/ws' });
      const target = await startScenario('nginx', 'http10', backend.port);
      try {
        // No session: the default backend then closes with 1008, after a 101 over HTTP/1.0.
        const attempt = await openSocket(target, { ca: lab().certs.caPem, path: target.wsPath });
        attempt.ws?.terminate();
        outcomes[mode] = describeAttempt(attempt);
        expect(backend.requests.byProbe(attempt.probe)[0]?.httpVersion).toBe('1.0');
      } finally {
        await stopTarget(target);
        await backend.close();
      }
    }
    expect(outcomes.default).toMatch(/opened|closed with 1008/);
    expect(outcomes.strict).toMatch(/HTTP 400 instead of 101/);
  });
});

// nginx 1.29.7 changed proxy_http_version's default to 1.1: the same file (no proxy_http_version
// line) earns a different verdict on each version, and the diagnosis names the version's default.
describe.runIf(nginxControls)('a config without proxy_http_version on nginx 1.22 and 1.30', () => {
  test('nginx 1.22 sends the upgrade over HTTP/1.0 (fail, "1.22 defaults to 1.0"); nginx 1.30 sends HTTP/1.1 (pass)', async () => {
    const config = readFileSync(scenarioFile('nginx', 'no-http-version'), 'utf8');
    const seen: Record<string, { version: string; status: string; detail: string; advice: string }> = {};
    await workerRuntime().prepare([{ ...nginx, release: 'sid' }], (line) => process.stderr.write(`${line}\n`));
    for (const release of ['bookworm', 'sid']) {
      const target = await startScenario('nginx', 'no-http-version', undefined, release);
      try {
        const version = await workerRuntime().versionOf(nginx, release);
        const verdict = await http11(target);
        seen[release] = { version, status: verdict.pass ? 'pass' : 'fail', detail: verdict.detail, advice: diagnose('nginx', config, 'http11', verdict.detail, version).advice };
      } finally {
        await stopTarget(target);
      }
    }
    expect(seen.bookworm).toMatchObject({ version: expect.stringMatching(/nginx\/1\.22\./), status: 'fail', detail: expect.stringMatching(/HTTP\/1\.0/) });
    expect(seen.bookworm!.advice).toMatch(/nginx 1\.22\.\d+ defaults to 1\.0/);
    expect(seen.sid).toMatchObject({ version: expect.stringMatching(/nginx\/1\.(29|[3-9]\d)\./), status: 'pass' });
    expect(diagnose('nginx', config, 'http11', 'backend saw the upgrade over HTTP/1.0', seen.sid!.version).advice).toMatch(/nginx 1\.30\.\d+ defaults to 1\.1: something else sends HTTP\/1\.0/);
    // Where the config itself sets a version, the advice says so whatever the default.
    const explicit = readFileSync(scenarioFile('nginx', 'http10'), 'utf8');
    expect(diagnose('nginx', explicit, 'http11', 'backend saw the upgrade over HTTP/1.0', seen.bookworm!.version).advice).toMatch(/the line there sets another version/);
  });
});
