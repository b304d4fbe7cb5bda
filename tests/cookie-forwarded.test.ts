import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'cookie-forwarded',
  async (target) => {
    const { user, cookie, setCookie, loginThroughProxyFailed } = await freshSession(target, 'cookie');
    // The Set-Cookie's attributes are judged as the proxy passed them; a session from the backend
    // (the config does not route the login) carries the backend's own, and login-route fails.
    const via = loginThroughProxyFailed ? ' (session from the backend directly: login through the proxy failed, see login-route)' : '';
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Lax']) {
      if (!setCookie.includes(attribute)) return outcome.fail(`the login's Set-Cookie lost ${attribute} crossing the proxy: ${setCookie}`);
    }
    // A browser sends the cookie on the WebSocket's handshake only if its Path covers the WebSocket
    // path and its Domain (if any) the site's name: proxy_cookie_path / proxy_cookie_domain and
    // ProxyPassReverseCookiePath rewrite them.
    const attribute = (name: string) => new RegExp(`;\\s*${name}=([^;]*)`, 'i').exec(setCookie)?.[1]?.trim();
    const path = attribute('Path') ?? '/';
    const wsPath = target.wsPath;
    if (!(wsPath === path || wsPath.startsWith(path.endsWith('/') ? path : `${path}/`))) {
      return outcome.fail(`the login's Set-Cookie crossed the proxy with Path=${path}, which does not cover ${wsPath}: browsers will not send the session on the WebSocket (${setCookie})`);
    }
    const domain = attribute('Domain')?.replace(/^\./, '');
    if (domain && !(target.serverName === domain || target.serverName.endsWith(`.${domain}`))) {
      return outcome.fail(`the login's Set-Cookie crossed the proxy with Domain=${domain}, which does not match ${target.serverName}: browsers drop the cookie (${setCookie})`);
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
    return outcome.pass(`backend saw the session cookie and registered ${user}${via}`, { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'cookie-blanked', symptom: /backend saw Cookie: \(none\).*closed with 1008/ },
    { proxy: 'caddy', scenario: 'cookie-dropped', symptom: /backend saw Cookie: \(none\).*closed with 1008/ },
    { proxy: 'nginx', scenario: 'cookie-path-rewritten', symptom: /Set-Cookie crossed the proxy with Path=\/api\/, which does not cover \/ws/ },
    { proxy: 'haproxy', scenario: 'cookie-dropped', symptom: /backend saw Cookie: \(none\).*closed with 1008/ },
    { proxy: 'apache', scenario: 'cookie-dropped', symptom: /backend saw Cookie: \(none\).*closed with 1008/ },
  ],
);
