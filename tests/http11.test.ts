import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'http11',
  async (target) => {
    const { cookie } = await freshSession(target, 'http11');
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    if (seen.httpVersion !== '1.1') {
      return outcome.fail(`backend saw the upgrade over HTTP/${seen.httpVersion} (client: ${clientSaw})`, { evidence: seen });
    }
    return outcome.pass('backend saw GET /ws over HTTP/1.1', { evidence: seen });
  },
  [{ proxy: 'nginx', scenario: 'http10', symptom: /HTTP\/1\.0/ }],
);
