import { seenByBackend } from '../fixtures/clients/backend-api.ts';
import { rawHandshake } from '../fixtures/clients/https-client.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { describeAttempt, nextMessage, openSocket } from '../fixtures/clients/ws-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab } from '../fixtures/lab/lab.ts';

defineCheck(
  'upgrade',
  async (target) => {
    const ca = lab().certs.caPem;
    const { cookie } = await freshSession(target, 'upgrade');
    const handshake = await rawHandshake(target, `${target.wsPath}?probe=upgrade-handshake`, ca, { Cookie: cookie });
    if (handshake.status !== 101) {
      return outcome.fail(`handshake answered HTTP ${handshake.status} instead of 101: ${handshake.body.trim().slice(0, 120)}`);
    }
    const accept = handshake.headers['sec-websocket-accept'];
    if (accept !== handshake.expectedAccept) {
      return outcome.fail(`101 with Sec-WebSocket-Accept "${accept}", expected "${handshake.expectedAccept}"`);
    }
    const attempt = await openSocket(target, { ca, cookie, path: target.wsPath });
    if (!attempt.ws) return outcome.fail(`socket did not open: ${describeAttempt(attempt)}`);
    const ws = attempt.ws;
    let closed = '';
    ws.once('close', (code) => (closed = ` (the socket was closed with ${code})`));
    try {
      const welcome = await nextMessage(ws, (m) => m.type === 'welcome', 3000);
      const sent = performance.now();
      ws.send('hello through the proxy');
      const echo = await nextMessage(ws, (m) => m.type === 'echo' && m.data === 'hello through the proxy', 3000);
      if (!welcome) return outcome.fail(`101 received, but no message from the backend reached the client${closed}`);
      if (!echo) return outcome.fail(`101 received, but a message from the client never came back from the backend${closed}`);
      const roundTrip = performance.now() - sent;
      // The backend takes the socket on whatever path the proxy forwards to: say so when it was rewritten.
      const seenPath = new URL((await seenByBackend(attempt.probe))[0]?.url ?? target.wsPath, 'http://backend').pathname;
      const rewritten = seenPath !== target.wsPath ? `; the proxy forwarded ${target.wsPath} to the backend as ${seenPath}` : '';
      return outcome.pass(`101 with a valid Sec-WebSocket-Accept; messages flow both ways (echo in ${roundTrip.toFixed(1)} ms)${rewritten}`, {
        figure: `echo ${roundTrip.toFixed(1)} ms`,
      });
    } finally {
      ws.close();
    }
  },
  [
    { proxy: 'nginx', scenario: 'no-upgrade-header', symptom: /HTTP 400 instead of 101/ },
    { proxy: 'haproxy', scenario: 'wrong-backend-port', symptom: /handshake answered HTTP 503 instead of 101/ },
    { proxy: 'haproxy', scenario: 'cookie-dropped', symptom: /101 received, but no message from the backend reached the client \(the socket was closed with 1008\)/ },
    { proxy: 'apache', scenario: 'http-without-upgrade', symptom: /handshake answered HTTP 400 instead of 101/ },
    { proxy: 'caddy', scenario: 'cookie-dropped', symptom: /101 received, but no message from the backend reached the client \(the socket was closed with 1008\)/ },
  ],
);
