import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { closeBrowsers } from '../fixtures/clients/browser.ts';
import { inFreshBrowserContext } from '../fixtures/clients/browser-session.ts';
import { connectInPage, describeSocketEvents, eventsAfterClose, openPortal } from '../fixtures/clients/portal-page.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

afterAll(closeBrowsers);

defineCheck(
  'browser-auth-1008',
  (target) =>
    inFreshBrowserContext('browser-auth-1008', target, async ({ page }) => {
      const load = await openPortal(page, target);
      if (load.status !== 200) return outcome.fail(`the page answered ${load.status} through the proxy`);
      const probe = randomUUID();
      const events = await connectInPage(page, probe, target.wsPath).then(() => eventsAfterClose(page, 5000));
      const shownCode = await page.locator('#close-code').textContent();
      if (!events.includes('close:1008') || shownCode !== '1008') {
        return outcome.fail(`without a session the page's socket ${describeSocketEvents(events)} (page shows "${shownCode}"), not close code 1008`);
      }
      return outcome.pass(`without a session the page's socket ${describeSocketEvents(events)}; the page shows 1008`, { figure: `page ${load.protocol}` });
    }),
  [
    { proxy: 'nginx', scenario: 'no-upgrade-header', symptom: /closed with 1006 without opening.*not close code 1008/ },
    { proxy: 'caddy', scenario: 'edge-auth-403', symptom: /closed with 1006 without opening.*not close code 1008/ },
    { proxy: 'haproxy', scenario: 'edge-auth-403', symptom: /closed with 1006 without opening.*not close code 1008/ },
    { proxy: 'apache', scenario: 'http-without-upgrade', symptom: /closed with 1006 without opening.*not close code 1008/ },
  ],
  // A test's time is its wait for one of the worker's browser sessions (3 at once) plus the
  // session, every step of which is bounded: with 77 columns the longest took 58.7 s of the default
  // 60 s (2026-12-01), so the backstop is longer; a hung step still fails at its own bound.
  { timeoutMs: 180_000 },
);
