import { seenByBackend } from '../fixtures/clients/backend-api.ts';
import { probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

/** How long the backend may take to notice the client's close, relayed by the proxy. */
const DISCONNECT_MS = 3000;

// The backend logs "[WebSocket] Server initialized on /ws" at start-up whatever the proxy does, so
// the check asserts only what the backend logged because of this very connection: the user's
// connect line, and the disconnect line once the client has closed through the proxy.
defineCheck(
  'server-logs',
  async (target) => {
    const { user, cookie } = await freshSession(target, 'logs');
    const probe = await probeUpgrade(target, cookie, { keepOpen: true });
    const ws = probe.attempt.ws;
    try {
      const logged = probe.seen?.logged ?? [];
      const connected = new RegExp(`^\\[WebSocket\\] User ${user} connected\\. Total connections: \\d+$`);
      const line = logged.find((l) => connected.test(l));
      if (!line) {
        return outcome.fail(`no "[WebSocket] User ${user} connected" line in the backend log for this connection (client: ${probe.clientSaw}; logged: ${logged.join(' | ') || 'nothing'})`, { evidence: probe.seen });
      }
      ws?.close(1000);
      const disconnected = new RegExp(`^\\[WebSocket\\] User ${user} disconnected\\. Total connections: \\d+$`);
      const deadline = Date.now() + DISCONNECT_MS;
      let after = logged;
      while (Date.now() < deadline && !after.some((l) => disconnected.test(l))) {
        await new Promise((r) => setTimeout(r, 100));
        after = (await seenByBackend(probe.attempt.probe)).find((s) => s.kind === 'upgrade')?.logged ?? after;
      }
      const gone = after.find((l) => disconnected.test(l));
      if (!gone) return outcome.fail(`the backend logged "${line}" but no disconnect within ${DISCONNECT_MS / 1000} s after the client closed: the proxy did not relay the close`, { evidence: after });
      return outcome.pass(`backend logged "${line}", then "${gone}" when the client closed`);
    } finally {
      ws?.terminate();
    }
  },
  [
    { proxy: 'nginx', scenario: 'cookie-blanked', symptom: /no "\[WebSocket\] User .* connected" line.*closed with 1008/ },
    { proxy: 'haproxy', scenario: 'cookie-dropped', symptom: /no "\[WebSocket\] User .* connected" line.*closed with 1008/ },
    { proxy: 'apache', scenario: 'cookie-dropped', symptom: /no "\[WebSocket\] User .* connected" line.*closed with 1008/ },
    { proxy: 'caddy', scenario: 'cookie-dropped', symptom: /no "\[WebSocket\] User .* connected" line.*closed with 1008/ },
  ],
);
