import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { SESSION_COOKIE } from '../fixtures/backend/server.ts';
import { notify, seenByBackend, setPingInterval } from '../fixtures/clients/backend-api.ts';
import { closeBrowsers } from '../fixtures/clients/browser.ts';
import { inFreshBrowserContext } from '../fixtures/clients/browser-session.ts';
import { connectInPage, describeSocketEvents, eventsAfterClose, loginInPage, notificationShown, openPortal, socketEvents } from '../fixtures/clients/portal-page.ts';
import { header } from '../fixtures/clients/probe.ts';
import { tlsHandshake } from '../fixtures/clients/tls-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab } from '../fixtures/lab/lab.ts';
import { proxyNamed } from '../fixtures/proxies/index.ts';

afterAll(closeBrowsers);

defineCheck(
  'browser',
  (target) =>
    inFreshBrowserContext('browser', target, async ({ page, socketProtocol: protocolOf }) => {
      const load = await openPortal(page, target);
      if (load.status !== 200) return outcome.fail(`the page answered ${load.status} through the proxy`);
      // The proxy's own ALPN answer says what the browser should get: h2 from nginx's `listen 443 ssl http2`.
      const offered = (await tlsHandshake(target, lab().certs.caPem, ['h2', 'http/1.1'])).alpn || 'http/1.1';
      if (load.protocol !== offered) return outcome.fail(`the page loaded over ${load.protocol || '(unknown)'} although the proxy offers ${offered}`);

      const user = `browser-${randomUUID().slice(0, 8)}`;
      // Pings every second keep the page's socket from idling while the check drives it: idle
      // limits are idle-timeout-24h's and keepalive's business. Without them, the 10 s limit of
      // haproxy/sample-defaults-10s closed the socket (1006) before a loaded machine's session
      // had read it as open, in 1 run of 6.
      await setPingInterval(user, 1000);
      const loginStatus = await loginInPage(page, user);
      const session = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
      if (loginStatus !== 200 || !session) {
        return outcome.fail(`login in the page answered ${loginStatus} and the browser kept ${session ? 'the' : 'no'} ${SESSION_COOKIE} cookie`);
      }

      const probe = randomUUID();
      const first = await connectInPage(page, probe, target.wsPath);
      const h2Drops = proxyNamed(target.proxy).h2WebSocketDrops;
      // Where sockets over HTTP/2 are known to drop, the protocol decides the verdict: wait for
      // Chromium's record of the answer rather than pass a socket whose protocol is unknown.
      const socketProtocol = (await protocolOf(h2Drops ? 5000 : 1000)) ?? '(no handshake answer)';
      if (socketProtocol === 'h2' && h2Drops) return outcome.fail(`the page's WebSocket went over HTTP/2 (RFC 8441; page saw: ${first ?? 'nothing within 10 s'}): ${h2Drops}`);
      if (socketProtocol === '(no handshake answer)' && h2Drops && first === 'open') {
        return outcome.fail(`the page's socket opened, but Chromium recorded no handshake answer within 5 s: whether it went over HTTP/2, where ${target.proxy}'s sockets are known to drop, is unknown`);
      }
      const seen = (await seenByBackend(probe)).at(-1);
      if (!seen) return outcome.fail(`the page's socket never reached the backend (page saw: ${first ?? 'nothing within 10 s'})`);
      if (seen.user !== user) {
        const events = await eventsAfterClose(page, 2000);
        return outcome.fail(
          `the backend registered ${seen.user ?? 'no user'} on the page's socket (Cookie on the browser's upgrade: ${header(seen, 'cookie') || '(none)'}); the page's socket ${describeSocketEvents(events)}`,
          { evidence: seen },
        );
      }

      const message = `browser-check ${probe.slice(0, 8)}`;
      const delivered = await notify(user, message);
      const { shown, received } = await notificationShown(page, message, 5000);
      const events = await socketEvents(page);
      if (!shown) {
        const got = received.length ? `it received ${received.join(', ')}` : 'it received nothing';
        return outcome.fail(`the pushed notification (to ${delivered} socket(s)) never appeared in the page within 5 s (${got}); the page's socket ${describeSocketEvents(events)}`, { evidence: seen });
      }
      if (events[0] !== 'open' || events.length !== 1) return outcome.fail(`the page's socket ${describeSocketEvents(events)} instead of staying open`, { evidence: seen });
      return outcome.pass(
        `page over ${load.protocol}, its WebSocket over ${socketProtocol}; login in the page kept ${SESSION_COOKIE}; the browser's upgrade carried it and the backend registered ${user}; the page saw the socket open and showed the pushed notification`,
        { figure: `page ${load.protocol}, socket ${socketProtocol}`, evidence: seen },
      );
    }),
  [
    { proxy: 'nginx', scenario: 'cookie-blanked', symptom: /registered no user.*Cookie on the browser's upgrade: \(none\).*closed with 1008/ },
    // The browser trusts only this run's certificate: a proxy serving another one must fail the check.
    { proxy: 'nginx', scenario: 'snakeoil-certificate', symptom: /ERR_CERT_AUTHORITY_INVALID/ },
    // HAProxy offers h2 and lets browsers tunnel WebSockets over it unless told not to.
    { proxy: 'haproxy', scenario: 'websocket-over-h2', symptom: /WebSocket went over HTTP\/2.*h2-workaround-bogus-websocket-clients/ },
    { proxy: 'apache', scenario: 'cookie-dropped', symptom: /registered no user on the page's socket \(Cookie on the browser's upgrade: \(none\)\).*closed with 1008/ },
    { proxy: 'caddy', scenario: 'cookie-dropped', symptom: /registered no user on the page's socket \(Cookie on the browser's upgrade: \(none\)\).*closed with 1008/ },
    { proxy: 'haproxy', scenario: 'cookie-dropped', symptom: /registered no user on the page's socket \(Cookie on the browser's upgrade: \(none\)\).*closed with 1008/ },
  ],
  // A test's time is its wait for one of the worker's browser sessions (3 at once) plus the
  // session, every step of which is bounded: with 77 columns the longest took 58.7 s of the default
  // 60 s (2026-12-01), so the backstop is longer; a hung step still fails at its own bound.
  { timeoutMs: 180_000 },
);
