import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'cookie-forwarded',
  async (target) => {
    const { user, cookie, setCookie } = await freshSession(target, 'cookie');
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Lax']) {
      if (!setCookie.includes(attribute)) return outcome.fail(`the login's Set-Cookie lost ${attribute} crossing the proxy: ${setCookie}`);
    }
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    const received = header(seen, 'cookie');
    if (!received?.includes(cookie)) {
      return outcome.fail(`backend saw Cookie: ${received || '(none)'}; the session was not forwarded (client: ${clientSaw})`, { evidence: seen });
    }
    if (seen.user !== user) {
      return outcome.fail(`backend saw the cookie but registered ${seen.user ?? 'no user'} on a socket, not ${user} (client: ${clientSaw})`, { evidence: seen });
    }
    return outcome.pass(`backend saw the session cookie and registered ${user}`, { evidence: seen });
  },
  [{ proxy: 'nginx', scenario: 'cookie-blanked', symptom: /backend saw Cookie: \(none\).*closed with 1008/ }],
);
