import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { startConfig, stopTarget } from '../fixtures/lab/lab.ts';

/** A port where no backend listens: the proxy's view of a backend that is down. */
const BACKEND_DOWN_PORT = 1;
/** Gateway errors a proxy may answer when its backend refuses connections. */
const GATEWAY_ERRORS = new Set([502, 503, 504]);

defineCheck(
  'backend-reachable',
  async (target) => {
    const { cookie } = await freshSession(target, 'reachable');
    const up = await probeUpgrade(target, cookie);
    if (!up.seen) return outcome.fail(`the handshake never reached the backend; the client saw ${up.clientSaw}`);

    const down = await startConfig(target.proxy, target.configFile, 'backend-down', BACKEND_DOWN_PORT);
    try {
      const refused = await probeUpgrade(down, cookie);
      const status = refused.attempt.status;
      if (!status || !GATEWAY_ERRORS.has(status)) {
        return outcome.fail(`with the backend down the client saw ${refused.clientSaw}, not 502 Bad Gateway`);
      }
      const note = status === 502 ? '' : ` (${target.proxy} answers ${status}, which the guide's "502 Bad Gateway" section covers too)`;
      return outcome.pass(`the handshake reached the backend; with the backend down the client got ${status}${note}`, { figure: `down: ${status}` });
    } finally {
      await stopTarget(down);
    }
  },
  [{ proxy: 'nginx', scenario: 'wrong-upstream-port', symptom: /never reached the backend; the client saw HTTP 502/ }],
);
