import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { startVariant, stopTarget } from '../fixtures/lab/lab.ts';
import { proxyNamed } from '../fixtures/proxies/index.ts';

/** A port where no backend listens: the proxy's view of a backend that is down. */
const BACKEND_DOWN_PORT = 1;

defineCheck(
  'backend-reachable',
  async (target) => {
    const { cookie } = await freshSession(target, 'reachable');
    const up = await probeUpgrade(target, cookie);
    if (!up.seen) return outcome.fail(`the handshake never reached the backend; the client saw ${up.clientSaw}`);

    const down = await startVariant(target, 'backend-down', BACKEND_DOWN_PORT);
    try {
      const refused = await probeUpgrade(down, cookie);
      const status = refused.attempt.status;
      // Each proxy's own answer, pinned: another one means the config masks the failure (an
      // error_page turning it into a page, a retry to another server) and the guide's "502 Bad
      // Gateway" troubleshooting no longer applies to what users see.
      const expected = proxyNamed(target.proxy).backendDownStatus;
      if (status !== expected) {
        return outcome.fail(`with the backend down the client saw ${refused.clientSaw}, not ${target.proxy}'s own ${expected}: the config hides the backend failure`);
      }
      const note = status === 502 ? '' : ` (${target.proxy}'s answer; the guide's "502 Bad Gateway" section covers it too)`;
      return outcome.pass(`the handshake reached the backend; with the backend down the client got ${status}${note}`, { figure: `down: ${status}` });
    } finally {
      await stopTarget(down);
    }
  },
  [
    { proxy: 'nginx', scenario: 'wrong-upstream-port', symptom: /never reached the backend; the client saw HTTP 502/ },
    { proxy: 'nginx', scenario: 'error-page-masks-502', symptom: /with the backend down the client saw HTTP 200 instead of 101.*not nginx's own 502/ },
    { proxy: 'apache', scenario: 'wrong-backend-port', symptom: /never reached the backend; the client saw HTTP 50[23]/ },
    { proxy: 'caddy', scenario: 'wrong-backend-port', symptom: /never reached the backend; the client saw HTTP 50[23]/ },
    { proxy: 'haproxy', scenario: 'wrong-backend-port', symptom: /never reached the backend; the client saw HTTP 50[23]/ },
  ],
);
