import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { describe, expect, test } from 'vitest';
import { startBackend } from '../fixtures/backend/server.ts';
import { describeAttempt, openSocket } from '../fixtures/clients/ws-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab, selectedForThisRun, startScenario, stopTarget } from '../fixtures/lab/lab.ts';

defineCheck(
  'http11',
  async (target) => {
    const { cookie } = await freshSession(target, 'http11');
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    if (seen.httpVersion !== '1.1') {
      const consequence =
        lab().backend.mode === 'strict'
          ? 'this backend follows RFC 9110 section 7.8 and ignored the Upgrade'
          : "this backend, like Inspect360's Node backend, accepted it anyway; one that follows RFC 9110 section 7.8 would ignore the Upgrade (--strict-backend)";
      return outcome.fail(`backend saw the upgrade over HTTP/${seen.httpVersion} (client: ${clientSaw}): ${consequence}`, { evidence: seen });
    }
    return outcome.pass('backend saw GET /ws over HTTP/1.1', { evidence: seen });
  },
  [{ proxy: 'nginx', scenario: 'http10', symptom: /HTTP\/1\.0/ }],
);

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
