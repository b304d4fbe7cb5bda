import { describe, expect, test } from 'vitest';
import { readCatalog } from '../../fixtures/catalog.ts';
import { checkIds } from '../../fixtures/checklist.ts';
import { proxies } from '../../fixtures/proxies/index.ts';

/**
 * Which checks each proxy's catalog shows failing on a broken config of its own. Every check must
 * fail on some catalog entry of every proxy, or be listed here with what is missing. A check that
 * no config of a proxy has made fail is a check nobody has seen fail there. Adding the entry
 * removes the line (the test fails while a listed pair is covered, so the list only shrinks).
 */
const notYetShown: Record<string, string> = {
  'tls-valid apache': 'no entry yet (candidate: the snakeoil certificate of Debian\'s default-ssl site)',
  'tls-valid caddy': 'no entry yet (candidate: `tls internal`, a certificate from Caddy\'s own CA)',
  'tls-valid haproxy': 'no entry yet (candidate: a PEM with the leaf but not its chain)',
  'upgrade haproxy': 'no entry yet (candidate: `mode tcp` with `alpn h2,http/1.1`)',
  'upgrade-header caddy': 'no entry yet: Caddy sets Upgrade on an upgrade itself; whether any directive removes it is not measured',
  'upgrade-header haproxy': 'no entry yet: HAProxy in HTTP mode forwards Upgrade itself; whether `http-request del-header` reaches it is not measured',
  'connection-header caddy': 'no entry yet: as upgrade-header',
  'connection-header haproxy': 'no entry yet: as upgrade-header',
  'http11 apache': 'no entry yet: mod_proxy speaks HTTP/1.1 upstream unless `SetEnv force-proxy-request-1.0`, not measured',
  'http11 caddy': 'no entry yet: whether `transport http { versions 1.0 }` exists is not measured',
  'http11 haproxy': 'no entry yet: HAProxy sends HTTP/1.1 upstream; no setting for 1.0 is known',
  'login-route apache': 'no entry yet (candidate: a vhost with only the ProxyPass /ws lines)',
  'login-route caddy': 'no entry yet (candidate: a site with only the @ws route)',
  'login-route haproxy': 'no entry yet (candidate: a frontend whose default_backend is missing)',
  'cookie-forwarded haproxy': 'no entry yet (candidate: `http-request del-header Cookie` on the WebSocket path)',
  'auth-1008 caddy': 'no entry yet (candidate: a route that answers the WebSocket path itself)',
  'auth-1008 haproxy': 'no entry yet (candidate: `mode tcp` to a backend in another mode)',
  'no-buffering haproxy': 'no entry yet: HAProxy does not buffer responses; `option http-buffer-request` buffers requests only',
  'backend-reachable apache': 'no entry yet (candidate: ProxyPass to the wrong port)',
  'backend-reachable caddy': 'no entry yet (candidate: `reverse_proxy https://localhost:5000`)',
  'backend-reachable haproxy': 'no entry yet (candidate: `server app localhost:5001`)',
  'server-logs haproxy': 'no entry yet (candidate: the WebSocket path to another backend)',
  'browser-auth-1008 caddy': 'no entry yet (as auth-1008)',
  'browser-auth-1008 haproxy': 'no entry yet (as auth-1008)',
};

describe('every check fails on a broken config of every proxy (the catalog shows it)', () => {
  const catalog = readCatalog();
  for (const proxy of Object.keys(proxies)) {
    test(proxy, () => {
      const shown = new Set(catalog.filter((e) => e.proxy === proxy).flatMap((e) => e.fails));
      const missing = checkIds.filter((id) => !shown.has(id)).map((id) => `${id} ${proxy}`);
      const listed = Object.keys(notYetShown).filter((pair) => pair.endsWith(` ${proxy}`));
      expect(missing.filter((pair) => !listed.includes(pair)), 'checks never shown failing here and not listed in notYetShown').toEqual([]);
      expect(listed.filter((pair) => !missing.includes(pair)), 'listed in notYetShown but now shown failing: remove the line').toEqual([]);
    });
  }
  test('every catalog header names checks that exist', () => {
    for (const entry of catalog.filter((e) => e.proxy !== 'iis')) {
      expect(entry.fails.filter((id) => !(checkIds as string[]).includes(id)), entry.file).toEqual([]);
    }
  });
});
