import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

/** The backend closes an unauthenticated socket at once; this only bounds a wait that ends at the close. */
const CLOSE_WITHIN_MS = 5000;

defineCheck(
  'auth-1008',
  async (target) => {
    const { closeCode, clientSaw, seen } = await probeUpgrade(target, undefined, { closeWithinMs: CLOSE_WITHIN_MS });
    if (closeCode !== 1008) return outcome.fail(`without a session the client saw: ${clientSaw}, not close code 1008`, { evidence: seen });
    return outcome.pass('without a session the socket closed with 1008 (Authentication required)', { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'no-upgrade-header', symptom: /HTTP 400 instead of 101.*not close code 1008/ },
    { proxy: 'caddy', scenario: 'edge-auth-403', symptom: /without a session the client saw: HTTP 403 instead of 101, not close code 1008/ },
    { proxy: 'haproxy', scenario: 'edge-auth-403', symptom: /without a session the client saw: HTTP 403 instead of 101 .*not close code 1008/ },
    { proxy: 'apache', scenario: 'http-without-upgrade', symptom: /HTTP 400 instead of 101.*not close code 1008/ },
  ],
);
