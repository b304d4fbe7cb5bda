import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'connection-header',
  async (target) => {
    const { cookie } = await freshSession(target, 'connection-header');
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    const connection = header(seen, 'connection');
    const tokens = (connection ?? '').toLowerCase().split(',').map((t) => t.trim());
    if (!tokens.includes('upgrade')) {
      return outcome.fail(`backend saw Connection: ${connection ?? '(none)'} (client: ${clientSaw})`, { evidence: seen });
    }
    return outcome.pass(`backend saw Connection: ${connection}`, { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'no-connection-header', symptom: /backend saw Connection: close.*HTTP 400/ },
    { proxy: 'caddy', scenario: 'connection-close', symptom: /backend saw Connection: close.*HTTP 400/ },
    { proxy: 'haproxy', scenario: 'connection-close', symptom: /backend saw Connection: close.*HTTP 400/ },
    { proxy: 'apache', scenario: 'http-without-upgrade', symptom: /backend saw Connection: Keep-Alive.*HTTP 400/ },
  ],
);
