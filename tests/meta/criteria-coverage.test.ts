import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCatalog } from '../../fixtures/catalog.ts';
import { checkIds, type CheckId } from '../../fixtures/checklist.ts';
import type { NegativeControl } from '../../fixtures/check.ts';
import { checks } from '../../fixtures/checks/index.ts';
import { proxies } from '../../fixtures/proxies/index.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';

/**
 * Measured 2026-12-04 with `wspc check --only binary-frames` on the shipped config plus the
 * directive: neither throttled a tunnel (16 MiB came back in under 2 s). HAProxy's bwlim filters do
 * (haproxy/bandwidth-limit).
 */
const binaryFramesWhy: Record<string, string> = {
  nginx: 'no entry: once upgraded nginx relays the frames as bytes; `limit_rate 64k` in the server block does not apply to the tunnel (nginx 1.22.1: 16 MiB came back), and no directive that limits or rewrites frames is known (a CDN or WAF in front can: a probe of the live site shows it)',
  apache: "no entry: once upgraded mod_proxy relays the frames as bytes; mod_ratelimit's RATE_LIMIT filter (`rate-limit 64`) does not apply to the tunnel (Apache 2.4.71: 16 MiB came back), and no directive that limits or rewrites frames is known",
  caddy: 'no entry: once upgraded Caddy relays the frames as bytes; it has no bandwidth limit, and no directive that limits or rewrites frames is known',
};

/** Every proxy the suite runs (the registry's, as the coverage test below iterates them). */
const all = Object.keys(proxies);
/** One reason for a criterion (`<check>:<criterion>`) on several proxies. */
const on = (criterion: string, names: string[], why: string): Record<string, string> => Object.fromEntries(names.map((proxy) => [`${criterion} ${proxy}`, why]));

/**
 * Which criteria each proxy's catalog has not shown failing, with why. Every criterion of every
 * check (a check's `criteria`) must fail on some catalog entry of every proxy, with a control naming
 * it, or be listed here: `<check> <proxy>` for the whole check, `<check>:<criterion> <proxy>` for
 * one criterion. A criterion no config has made fail is one nobody has seen fail there. Adding the
 * entry removes the line (the test fails while a listed pair is covered, so the list only shrinks).
 * "no entry yet" names a misconfiguration that would show it; "no entry" says none is known.
 */
const notYetShownCriteria: Record<string, string> = {
  ...on('tls-valid:wss-handshake', ['nginx', 'apache', 'caddy'], 'no entry: the WebSocket path shares the port, certificate and TLS settings of the page in every config run; no config is known that verifies on / and gives the WebSocket path no HTTP answer'),
  ...on('upgrade:client-to-backend', all, "no entry: once upgraded the tunnel relays bytes both ways; no directive is known that passes the backend's frames and drops the client's (a leg that dies while idle is idle-timeout-24h's frames-after-idle)"),
  ...on('forwarded-headers:xff', ['caddy'], "no entry: Caddy appends the peer it saw after the X-Forwarded-For it keeps: with `trusted_proxies private_ranges` the backend saw \"203.0.113.66, 172.17.0.1\" (caddy/trusted-proxies-private, 2026-12-07 on 2.6.2); nothing is known that makes it drop its own hop"),
  ...on('subprotocol:choice', ['apache', 'caddy'], "no entry: the backend's choice is hidden from the 101 by nginx `proxy_hide_header` and HAProxy `http-response del-header`; Apache's `Header always unset Sec-WebSocket-Protocol` and Caddy's `header_down -Sec-WebSocket-Protocol` were tried and passed (2026-12-06, wspc check): neither applies to a 101"),
  ...on('permessage-deflate:negotiated', ['apache', 'caddy'], "no entry: the 101's extension answer is hidden by nginx `proxy_hide_header` and HAProxy `http-response del-header`; Apache's `Header always unset Sec-WebSocket-Extensions` and Caddy's `header_down -Sec-WebSocket-Extensions` were tried and passed (2026-12-06, wspc check): neither applies to a 101"),
  ...on('cookie-forwarded:user', all, "no entry: the backend registers the user its session cookie names; a proxy that forwards the cookie cannot change whose it is, and one that changes or drops it fails `arrives` first"),
  ...on('auth-1008:close-relayed', all, "no entry: the application's close frame is relayed bytes once upgraded (see close-codes); no directive is known that drops it, and every config that loses the 1008 so far refused the handshake (upgrades)"),
  ...on('browser-auth-1008:close-relayed', all, "no entry: as auth-1008's: the application's close frame is relayed bytes once upgraded; no directive is known that drops it"),
  ...on('no-buffering:push', ['nginx'], "no entry: once upgraded nginx relays the backend's frames as they come; proxy_buffering applies to responses, which `stream` shows (nginx/buffering-on)"),
  // Measured 2026-12-06, `wspc check` on the shipped Caddyfile plus `handle_errors { respond "Inspect360 is
  // down for maintenance: {err.status_code} {err.status_text}" }`: 25 passed, down: 502.
  ...on('backend-reachable:down-status', ['caddy'], "no entry: Caddy's handle_errors keeps the error's status (a maintenance page with `respond` still answered 502 on Caddy 2.6.2); only a status written out (`respond ... 200`) would mask it"),
  ...on('server-logs:disconnect', all, "no entry: the client's close frame is relayed bytes once upgraded (see close-codes); no directive is known that keeps the backend's connection open after the client closed"),
  ...on('browser:page-protocol', all, 'no entry: Chromium takes the protocol the proxy offers in ALPN; no config is known that offers h2 and then serves the page over another'),
  ...on('browser:socket-http1', ['nginx', 'apache', 'caddy'], "cannot fail here: it applies only where the proxy's WebSockets over HTTP/2 are known to drop (HAProxy, fixtures/proxies/haproxy)"),
  ...on('browser:push-shown', all, "no entry: a push that reaches ws clients reaches the page's socket through the same tunnel; the tunnel's own failure is upgrade's backend-to-client"),
  ...on('browser:stays-open', all, 'no entry: a page socket that closes within seconds with the session given is a tunnel cut that short; the idle limits known are measured by idle-timeout-24h'),
  ...on('idle-timeout-24h:client-stalled', ['apache', 'haproxy'], 'no entry: the settings that cut a client that stops reading bound a silent tunnel too, never later (see the comment above the stall controls in fixtures/checks/idle-timeout-24h.ts), so `idle-24h` fails first'),
  ...on('idle-timeout-24h:backend-stalled', ['apache', 'haproxy'], 'no entry: the settings that cut a backend that stops reading bound a silent tunnel too, never later (see the comment above the stall controls in fixtures/checks/idle-timeout-24h.ts), so `idle-24h` fails first'),
  ...on('idle-timeout-24h:client-stalled', ['caddy'], "no entry: reverse_proxy's transport write_timeout bounds writes to the backend (caddy/write-timeout-60s cut a backend that stopped reading and held a stalled client 24 h, measured 2026-12-05 on 2.6.2); no setting is known that bounds writes to a stalled client and leaves a silent tunnel alone (the server's own `timeouts` do not reach a tunnel: Go clears a hijacked connection's deadlines; README, customer config caddy-global-options)"),
  // Measured 2026-12-06, `wspc check` on the shipped Caddyfile with nginx's `# Firewall: forgets flows idle
  // for 1h` line: 25 passed; silent both ways, backend silent and client silent all closed after 24 h.
  ...on('idle-timeout-24h:frames-after-stall', all, 'no entry: a tunnel that survives a stall relays bytes again once the peer reads; no directive is known that keeps it open and drops the backlog'),
  ...on('keepalive:limit-in-force', all, 'no entry: the limit is read from the config; a socket that outlives it without pings means the reader misread the config, a suite bug tests/meta/timeout-contexts.test.ts looks for, not a misconfiguration'),
  ...on('keepalive:drops-at-limit', all, 'no entry: the limit is read from the config; a drop far from it means the reader misread it (tests/meta/timeout-contexts.test.ts) or a device on the path cut the socket, which idle-timeout-24h shows'),
  ...on('binary-frames:utf8-text', ['haproxy'], "no entry: HAProxy relays the tunnel's bytes; its bwlim filters delay them (`sizes`) but no directive is known that alters them"),
  ...on('binary-frames:binary-intact', ['haproxy'], "no entry: HAProxy relays the tunnel's bytes; its bwlim filters delay them (`sizes`) but no directive is known that alters them"),
  ...on('origin-query:query', ['caddy'], "no entry: Caddy's `rewrite * {path}` on the WebSocket route kept the query string (tried 2026-12-07, wspc check on 2.6.2): a rewrite that names no query leaves the client's"),
  ...on('permessage-deflate:intact', all, 'no entry: with the extension negotiated end to end the compressed frames are relayed bytes; no directive is known that alters them'),
  // nginx: nginx/plain-http-on-tls-port (`error_page 497 =200 $request_uri`).
  ...on('tls-only-tunnel:tls-port-plain-http', ['apache'], "no entry: mod_ssl answers plain HTTP on an SSLEngine port with its own 400 (\"You're speaking plain HTTP to an SSL-enabled server port\"); only an ErrorDocument 400 naming the WebSocket path itself could hand the request on, and no config is known that does (not tried)"),
  ...on('tls-only-tunnel:tls-port-plain-http', ['caddy'], "no entry: Caddy's HTTPS listener answers plain HTTP with Go's own 400 (\"Client sent an HTTP request to an HTTPS server\"), and its http_redirect listener wrapper with a redirect; no option is known that serves the request"),
  ...on('tls-only-tunnel:tls-port-plain-http', ['haproxy'], 'no entry: a `bind ... ssl` accepts only TLS; plain HTTP on the same port takes a TCP-mode frontend that splits connections on req.ssl_hello_type, and no published config is known that routes the plain ones to the application'),
  ...on('capacity:held-open', ['nginx', 'apache', 'haproxy'], 'no entry: the limits known (worker_connections, MaxRequestWorkers, maxconn) refuse sockets at the opening; none is known that accepts N sockets and then drops some'),
  ...on('capacity:push-reaches-all', ['nginx', 'apache', 'haproxy'], 'no entry: the limits known refuse sockets at the opening; none is known that keeps N sockets open and starves some of a push'),
};

/** Every line the coverage test reads: the per-criterion lines above, and below whole checks a proxy's catalog has not shown failing at all. */
const notYetShown: Record<string, string> = {
  ...notYetShownCriteria,
  'tls-valid haproxy':
    'no entry: HAProxy has no stock certificate to misconfigure (Debian ships no snakeoil or CA store in its image) and the run places its own chain at every `crt` path; a wrong certificate needs a second file the suite does not provide',
  'no-buffering apache': 'no entry: mod_proxy_http flushes when the backend pauses; no buffering directive for streamed responses is known (mod_deflate only applies with Accept-Encoding, which the check does not send)',
  'no-buffering caddy': 'cannot be broken by configuration as far as measured: with `flush_interval 5s` on the WebSocket route the streamed chunks still arrived 1202 ms apart over 1200 ms (Caddy flushes responses of unknown length at once) and pushes took 4 ms',
  'no-buffering haproxy': 'no entry: HAProxy streams responses; `option http-buffer-request` buffers requests only',
  'http11 caddy': "cannot be broken by configuration: reverse_proxy's `transport http { versions }` accepts 1.1, 2, h2c and 3, no 1.0 (https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#versions)",
  'http11 haproxy': 'cannot be broken by configuration: HAProxy talks HTTP/1.1 to servers in HTTP mode (or h2 with `proto h2`); it has no setting for HTTP/1.0 upstream',
  // Transparency (beyond the checklist). A tunnel's frames pass as bytes: no directive of these
  // proxies is known to limit, split or rewrite them once the upgrade is done.
  ...Object.fromEntries(Object.entries(binaryFramesWhy).map(([proxy, why]) => [`binary-frames ${proxy}`, why])),
  ...Object.fromEntries(
    ['nginx', 'apache', 'caddy', 'haproxy'].flatMap((proxy) => [
      [
        `close-codes ${proxy}`,
        `no entry: the close frames are part of the relayed bytes; a config can only end the tunnel (an idle timeout, which idle-timeout-24h measures), not rewrite a close code${
          // Measured 2026-12-04, `wspc check --only close-codes` on the shipped config plus the option.
          proxy === 'haproxy' ? ' (`option nolinger`, which closes with a reset and drops unsent data, still passed both codes on 2.6.12: the close frame is sent before the close)' : ''
        }`,
      ],
      [`message-flow ${proxy}`, 'no entry: fragments, pings and pongs and bursts are relayed bytes once upgraded; no directive that reassembles, answers or reorders them is known'],
    ]),
  ),
  // Capacity (beyond the checklist).
  'capacity caddy': "no entry: Caddy sets no cap on client connections (its reverse_proxy's max_conns_per_host caps backend connections, and a WebSocket beyond it waits for a free one, not refused); only the process's open-file limit stops it, which a config cannot lower",
  // Security (beyond the checklist): these proxies tunnel only after the backend's 101.
  'upgrade-smuggling nginx': "safe by design: nginx tunnels only after the backend's 101 (ngx_http_upstream switches to the upgraded handler on that status); its TCP proxy (stream {}) cannot live in the site file the suite runs",
  'upgrade-smuggling apache': 'safe in the versions run (2.4.62 and later): mod_proxy_wstunnel kept the tunnel whatever the backend answered before 2.4.48 (CVE-2019-17567), and no Debian release the suite reaches ships one that old',
  'upgrade-smuggling caddy': "safe by design: reverse_proxy switches protocols only on the backend's 101; Caddy's TCP proxy (layer4) is not in Debian's package",
};

/** The negative controls a check declares: each is asserted in the run with the check's own symptom. */
const controlsOf = (id: CheckId) => checks[id].controls;

/** The criteria a control shows failing: its own, or the check's only one. */
const criteriaShown = (id: CheckId, control: NegativeControl): string[] => {
  const declared = Object.keys(checks[id].criteria);
  if (control.criterion === undefined) return declared.length === 1 ? declared : [];
  return [control.criterion].flat();
};

/** What must be shown for every proxy: `<check>:<criterion> <proxy>`, excused by a line for the pair or for the whole check on that proxy. */
function gaps(proxy: string): { missing: string[]; stale: string[] } {
  const missing: string[] = [];
  const stale: string[] = [];
  for (const id of checkIds) {
    const mine = controlsOf(id).filter((c) => c.proxy === proxy);
    const whole = `${id} ${proxy}` in notYetShown;
    if (whole && mine.length > 0) stale.push(`${id} ${proxy}`);
    for (const criterion of Object.keys(checks[id].criteria)) {
      const pair = `${id}:${criterion} ${proxy}`;
      const shown = mine.some((c) => criteriaShown(id, c).includes(criterion));
      if ((shown || whole) && pair in notYetShown) stale.push(pair);
      if (!shown && !whole && !(pair in notYetShown)) missing.push(pair);
    }
  }
  return { missing, stale };
}

describe('every criterion of every check fails on a broken config of every proxy, with its own symptom', () => {
  const catalog = readCatalog();
  for (const proxy of Object.keys(proxies)) {
    test(proxy, () => {
      // Shown: a control of the check's own file on this proxy, naming the criterion its symptom
      // shows (a symptom of the check itself, not a cascade such as "never reached the backend" in
      // every check of a wrong-port config).
      const { missing, stale } = gaps(proxy);
      expect(missing, 'criteria never shown failing here and not listed in notYetShown').toEqual([]);
      expect(stale, 'listed in notYetShown but now shown failing: remove the line').toEqual([]);
    });
  }
  test('every check declares its criteria, and every control names one of them (or the only one)', () => {
    for (const id of checkIds) {
      const declared = Object.keys(checks[id].criteria);
      expect(declared.length, `${id}: no criteria`).toBeGreaterThan(0);
      for (const c of controlsOf(id)) {
        const shown = criteriaShown(id, c);
        expect(shown.length, `${id}: control ${c.proxy}/${c.scenario} names no criterion, and the check has ${declared.length}`).toBeGreaterThan(0);
        expect(shown.filter((k) => !declared.includes(k)), `${id}: control ${c.proxy}/${c.scenario} names criteria the check does not declare`).toEqual([]);
      }
    }
  });
  test('every line of notYetShown names a check, criterion and proxy that exist', () => {
    for (const key of Object.keys(notYetShown)) {
      const [, id, criterion, proxy] = /^([\w-]+)(?::([\w/.-]+))? (\w+)$/.exec(key) ?? [];
      expect(checkIds as string[], key).toContain(id);
      expect(Object.keys(proxies), key).toContain(proxy);
      if (criterion) expect(Object.keys(checks[id as CheckId].criteria), key).toContain(criterion);
    }
  });
  test('every control names a catalog entry that declares the check in its Fails line', () => {
    for (const id of checkIds) {
      for (const c of controlsOf(id)) {
        const entry = catalog.find((e) => e.proxy === c.proxy && e.name === c.scenario);
        expect(entry?.fails, `${id}: control ${c.proxy}/${c.scenario}`).toContain(id);
      }
    }
  });
  test('every entry that fails a check has its symptom pinned by a control, and its Symptom line names its Guide section', () => {
    const controlled = new Set(checkIds.flatMap((id) => controlsOf(id).map((c) => `${c.proxy}/${c.scenario}`)));
    for (const entry of catalog.filter((e) => e.proxy !== 'iis' && e.exit === 1)) {
      expect(controlled.has(`${entry.proxy}/${entry.name}`), `${entry.file}: no check names it as a control, so nothing asserts its symptom`).toBe(true);
      expect(entry.symptom, `${entry.file}: the Symptom line quotes another section than "# Guide: ${entry.guide}"`).toContain(`"${entry.guide}"`);
    }
  });
  test('every check is a value with its own id, registered by its own file in tests/', () => {
    for (const id of checkIds) {
      expect(checks[id].id).toBe(id);
      expect(readFileSync(join(repoRoot, 'tests', `${id}.test.ts`), 'utf8'), `tests/${id}.test.ts`).toMatch(/^registerCheck\(\w+\);$/m);
    }
  });
  test('every catalog header names checks that exist', () => {
    for (const entry of catalog.filter((e) => e.proxy !== 'iis')) {
      expect(entry.fails.filter((id) => !(checkIds as string[]).includes(id)), entry.file).toEqual([]);
    }
  });
});
