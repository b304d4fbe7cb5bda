import { randomUUID } from 'node:crypto';
import { httpsRequest, login } from '../fixtures/clients/https-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab } from '../fixtures/lab/lab.ts';

// The login's own verdict. The WebSocket checks log in through the proxy too, but where that does
// not work they take a session from the backend directly (fixtures/clients/session.ts), so a
// config that routes only its WebSocket path is still judged on it; this check says whether a
// browser could log in through the config at all.
defineCheck(
  'login-route',
  async (target) => {
    const ca = lab().certs.caPem;
    const user = `login-${randomUUID().slice(0, 8)}`;
    let session: { cookie: string };
    try {
      session = await login(target, user, ca);
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
      return outcome.fail(`${why}; the WebSocket checks ran with a session from the backend directly, but a browser cannot log in through this config`);
    }
    const me = await httpsRequest(target, '/api/me', { method: 'GET', ca, headers: { Cookie: session.cookie } });
    if (me.status !== 200 || !me.body.includes(user)) return outcome.fail(`login through the proxy set a cookie, but /api/me with it answered ${me.status}: ${me.body.slice(0, 120)}`);
    return outcome.pass(`POST /api/login through the proxy set the session cookie; /api/me through the proxy knows ${user}`);
  },
  [
    { proxy: 'nginx', scenario: 'ws-only', symptom: /login through nginx\/ws-only answered 404 without a session cookie.*session from the backend directly/ },
    { proxy: 'apache', scenario: 'ws-only', symptom: /login through apache\/ws-only answered 404 without a session cookie/ },
    { proxy: 'caddy', scenario: 'ws-only', symptom: /login through caddy\/ws-only answered 200 without a session cookie/ },
    { proxy: 'haproxy', scenario: 'ws-only', symptom: /login through haproxy\/ws-only answered 503 without a session cookie/ },
  ],
);
