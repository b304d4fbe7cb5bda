import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { startBackend } from '../fixtures/backend/server.ts';
import { http11Check } from '../fixtures/checks/http11.ts';
import { describeAttempt, openSocket } from '../fixtures/clients/ws-client.ts';
import { diagnose } from '../fixtures/diagnosis/diagnose.ts';
import { registerCheck } from '../fixtures/harness.ts';
import { lab, scenarioFile, selectedForThisRun, startScenario, stopTarget, workerRuntime } from '../fixtures/lab/lab.ts';
import { nginx } from '../fixtures/proxies/nginx/index.ts';

registerCheck(http11Check);

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
        const verdict = await http11Check.run(target);
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
