import { backendLog } from '../fixtures/clients/backend-api.ts';
import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab } from '../fixtures/lab/lab.ts';

const initialized = () => `[WebSocket] Server initialized on ${lab().wsPath}`;

defineCheck(
  'server-logs',
  async (target) => {
    const { user, cookie } = await freshSession(target, 'logs');
    const probe = await probeUpgrade(target, cookie, true);
    try {
      const log = await backendLog();
      if (!log.includes(initialized())) return outcome.fail(`the backend log lacks "${initialized()}"`);
      const connected = new RegExp(`^\\[WebSocket\\] User ${user} connected\\. Total connections: \\d+$`);
      const line = log.find((l) => connected.test(l));
      if (!line) return outcome.fail(`no "[WebSocket] User ${user} connected" line in the backend log (client: ${probe.clientSaw})`, { evidence: log.slice(-20) });
      return outcome.pass(`backend logged "${line}"`);
    } finally {
      probe.attempt.ws?.close();
    }
  },
  [{ proxy: 'nginx', scenario: 'cookie-blanked', symptom: /no "\[WebSocket\] User .* connected" line.*closed with 1008/ }],
);
