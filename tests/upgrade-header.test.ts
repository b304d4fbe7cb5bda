import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'upgrade-header',
  async (target) => {
    const { cookie } = await freshSession(target, 'upgrade-header');
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    const upgrade = header(seen, 'upgrade');
    if (upgrade?.toLowerCase() !== 'websocket') {
      return outcome.fail(`backend saw Upgrade: ${upgrade ?? '(none)'} (client: ${clientSaw})`, { evidence: seen });
    }
    return outcome.pass(`backend saw Upgrade: ${upgrade}`, { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'no-upgrade-header', symptom: /backend saw Upgrade: \(none\).*HTTP 400/ },
    { proxy: 'caddy', scenario: 'no-upgrade-header', symptom: /backend saw Upgrade: \(none\).*HTTP 400/ },
    { proxy: 'haproxy', scenario: 'no-upgrade-header', symptom: /backend saw Upgrade: \(none\).*HTTP 400/ },
    { proxy: 'apache', scenario: 'http-without-upgrade', symptom: /backend saw Upgrade: \(none\).*HTTP 400/ },
  ],
);
