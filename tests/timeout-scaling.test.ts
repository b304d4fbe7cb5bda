import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lab } from '../fixtures/lab/lab.ts';
import { repoRoot } from '../fixtures/lab/paths.ts';
import { proxyNamed } from '../fixtures/proxies/index.ts';
import { renderConfig } from '../fixtures/proxies/render.ts';
import { apacheSeconds } from '../fixtures/proxies/apache/timeouts.ts';
import { haproxyTimeouts } from '../fixtures/proxies/haproxy/timeouts.ts';
import { DEFAULT_TIME_SCALE, parseScale, timeScaleFor } from '../fixtures/proxies/timeouts/scale.ts';
import { scaledMs } from '../fixtures/proxies/timeouts/table.ts';

/** The renderer alone (no proxy runs): an unset timeout can never run at its real value. */
const render = (proxy: string, file: string, scale: number, capMs?: number) =>
  renderConfig(proxyNamed(proxy), readFileSync(join(repoRoot, file), 'utf8'), {
    backendHost: 'host.docker.internal',
    backendPort: 5000,
    certs: lab().certs,
    timeouts: { scale, capMs },
  });

describe('timeout scaling: every timeout that bounds an idle WebSocket is scaled, unset ones written in', () => {
  test('nginx without timeout lines gets its 60 s defaults written in, scaled', () => {
    const rendered = render('nginx', 'proxies/nginx/scenarios/no-timeouts.conf', 100);
    expect(rendered.text).toMatch(/^proxy_read_timeout 600ms;/m);
    expect(rendered.text).toMatch(/^proxy_send_timeout 600ms;/m);
    expect(rendered.idle).toMatchObject({ configuredIdleMs: 60_000, renderedIdleMs: 600 });
  });

  test('milliseconds round away from 24 h, never across it', () => {
    expect(scaledMs(86_399_500, { scale: DEFAULT_TIME_SCALE })).toBe(8639);
    expect(scaledMs(86_400_000, { scale: DEFAULT_TIME_SCALE })).toBe(8640);
    expect(scaledMs(86_400_500, { scale: DEFAULT_TIME_SCALE })).toBe(8641);
    expect(scaledMs(79_200_000, { scale: DEFAULT_TIME_SCALE })).toBe(7920);
  });

  test('nginx keeps the line numbers of the file (defaults are appended)', () => {
    const shipped = readFileSync(join(repoRoot, 'proxies/nginx/inspect360.conf'), 'utf8').split('\n');
    const rendered = render('nginx', 'proxies/nginx/inspect360.conf', DEFAULT_TIME_SCALE).text.split('\n');
    const line = shipped.findIndex((l) => l.includes('proxy_read_timeout'));
    expect(rendered[line]).toMatch(/proxy_read_timeout 8640ms;/);
    expect(rendered.slice(0, shipped.length).filter((l, i) => l !== shipped[i]).every((l) => /timeout|host\.docker\.internal/.test(l))).toBe(true);
  });

  test("Apache without Timeout gets Debian's 300 s written in; whole seconds never flip the 24 h verdict", () => {
    const rendered = render('apache', 'proxies/apache/inspect360.conf', DEFAULT_TIME_SCALE);
    expect(rendered.text).toMatch(/^Timeout 1$/m);
    expect(rendered.text).toMatch(/^\s*ProxyTimeout 9$/m);
    expect(apacheSeconds(86_400_000, { scale: DEFAULT_TIME_SCALE })).toBe(9);
    expect(apacheSeconds(86_399_000, { scale: DEFAULT_TIME_SCALE })).toBe(8);
    expect(apacheSeconds(5000, { scale: DEFAULT_TIME_SCALE })).toBe(1);
    expect(render('apache', 'proxies/apache/scenarios/timeout-5s.conf', 1).text).toMatch(/timeout=5\b/);
  });

  test('Apache durations it would misread are refused, not guessed', () => {
    const config = readFileSync(join(repoRoot, 'proxies/apache/inspect360.conf'), 'utf8').replace('ProxyTimeout 86400', 'ProxyTimeout 2500ms');
    expect(() =>
      renderConfig(proxyNamed('apache'), config, { backendHost: 'h', backendPort: 5000, certs: lab().certs, timeouts: { scale: 1 } }),
    ).toThrow(/whole seconds/);
  });

  test('Caddy: read_timeout is scaled; without it nothing closes an idle socket', () => {
    expect(render('caddy', 'proxies/caddy/Caddyfile', DEFAULT_TIME_SCALE).text).toMatch(/read_timeout 8640ms/);
    const bare = renderConfig(proxyNamed('caddy'), 'example.com {\n\treverse_proxy localhost:5000\n}\n', {
      backendHost: 'h',
      backendPort: 5000,
      certs: lab().certs,
      timeouts: { scale: DEFAULT_TIME_SCALE },
    });
    expect(bare.idle?.configuredIdleMs).toBe(Infinity);
  });

  test("Caddy: the reverse_proxy whose route takes the WebSocket decides, read by the Caddyfile's syntax", () => {
    const renderCaddy = (text: string) =>
      renderConfig(proxyNamed('caddy'), text, { backendHost: 'h', backendPort: 5000, certs: lab().certs, timeouts: { scale: DEFAULT_TIME_SCALE } });
    const transport = (value: string, indent = '\t\t') => `{\n${indent}\ttransport http {\n${indent}\t\tread_timeout ${value}\n${indent}\t}\n${indent}}`;
    // A global options block and a snippet first: the site is the block after them.
    const global = `{\n\temail a@example.com\n\tservers {\n\t\ttimeouts {\n\t\t\twrite 30s\n\t\t}\n\t}\n}\n(headers) {\n\theader -Server\n}\nexample.com {\n\timport headers\n\t@websockets {\n\t\theader Connection *Upgrade*\n\t\theader Upgrade websocket\n\t}\n\treverse_proxy @websockets localhost:5000 ${transport('2h', '\t')}\n\treverse_proxy /api/* localhost:5000 ${transport('5s', '\t')}\n\treverse_proxy localhost:5000\n}\n`;
    expect(proxyNamed('caddy').readServerName!(global)).toBe('example.com');
    const headers = renderCaddy(global);
    expect(headers.idle?.configuredIdleMs).toBe(2 * 3_600_000);
    // The server's own write timeout bounds requests, not hijacked tunnels: left as written.
    expect(headers.text).toMatch(/^\t\t\twrite 30s$/m);
    expect(headers.text).toMatch(/read_timeout 50ms/);
    // A route for other paths does not govern /ws; the catch-all without read_timeout does.
    const catchAll = renderCaddy(`example.com {\n\thandle /api/* {\n\t\treverse_proxy localhost:5000 ${transport('5s')}\n\t}\n\thandle {\n\t\treverse_proxy localhost:5000\n\t}\n}\n`);
    expect(catchAll.idle?.configuredIdleMs).toBe(Infinity);
    // One site written without braces: the rest of the file is its body.
    const single = renderCaddy(`localhost:8443\n\nreverse_proxy /ws* localhost:5000 ${transport('1h', '')}\n`);
    expect(single.idle?.configuredIdleMs).toBe(3_600_000);
    // A block never closed: the suite cannot tell which timeouts apply, and says where.
    expect(() => renderCaddy(`example.com {\n\treverse_proxy localhost:5000 ${transport('1h')}\n`)).toThrow(/Caddyfile line 1: block opened here is never closed/);
  });

  test('Caddy: with two sites, where the handler order is not read, one matcher reader picks the route', () => {
    const renderCaddy = (text: string) =>
      renderConfig(proxyNamed('caddy'), text, { backendHost: 'h', backendPort: 5000, certs: lab().certs, timeouts: { scale: DEFAULT_TIME_SCALE } });
    const site = (name: string, body: string) => `${name} {\n${body}}\n`;
    const proxyWith = (matcher: string, value: string) => `\treverse_proxy ${matcher} localhost:5000 {\n\t\ttransport http {\n\t\t\tread_timeout ${value}\n\t\t}\n\t}\n`;
    const other = site('api.example.com', proxyWith('', '24h'));
    // header_regexp with RE2's (?i): evaluated, so this route takes the WebSocket and its 5 min decide.
    const regexp = renderCaddy(site('example.com', `\t@ws header_regexp Connection (?i)upgrade\n${proxyWith('@ws', '5m')}`) + other);
    expect(regexp.idle?.configuredIdleMs).toBe(300_000);
    // Every condition must hold: an upgrade header test beside a path that is not /ws excludes the route.
    const elsewhere = renderCaddy(site('example.com', `\t@ws {\n\t\tpath /socket\n\t\theader Connection *Upgrade*\n\t}\n${proxyWith('@ws', '5m')}`) + other);
    expect(elsewhere.idle?.configuredIdleMs).toBe(86_400_000);
  });

  test('a load balancer cap applies to set and unset timeouts alike', () => {
    expect(render('nginx', 'proxies/nginx/inspect360.conf', 60, 60_000).idle).toMatchObject({ configuredIdleMs: 60_000, renderedIdleMs: 1000 });
    expect(render('apache', 'proxies/apache/inspect360.conf', 60, 60_000).text).toMatch(/^\s*ProxyTimeout 1$/m);
  });

  test('the scale comes from WSPC_TIME_SCALE, or WSPC_TIME_SCALE_<PROXY> for one proxy', () => {
    expect(timeScaleFor('apache', {})).toBe(10_000);
    expect(timeScaleFor('apache', { WSPC_TIME_SCALE: '1:1000' })).toBe(1000);
    expect(timeScaleFor('apache', { WSPC_TIME_SCALE: '1000', WSPC_TIME_SCALE_APACHE: '100' })).toBe(100);
    expect(() => parseScale('fast', 'WSPC_TIME_SCALE')).toThrow(/not a time scale/);
  });
});

/** The shipped nginx config with its /ws location rewritten by `edit`, rendered at 1:1000. */
function nginxWith(edit: (config: string) => string) {
  const config = edit(readFileSync(join(repoRoot, 'proxies/nginx/inspect360.conf'), 'utf8'));
  return renderConfig(proxyNamed('nginx'), config, { backendHost: 'h', backendPort: 5000, certs: lab().certs, timeouts: { scale: 1000 } });
}

describe('nginx timeouts in every kind of block: each is scaled, and the one nginx applies to /ws is reported', () => {
  const noWsTimeouts = (config: string) => config.replace(/^\s*proxy_(read|send)_timeout 86400s;.*$/gm, '');

  test('a regex location (~) for /ws without timeouts runs on the 60 s default, written in scaled', () => {
    const rendered = nginxWith((c) => noWsTimeouts(c).replace('location /ws {', 'location ~ ^/ws {'));
    expect(rendered.idle).toMatchObject({ configuredIdleMs: 60_000, renderedIdleMs: 60 });
    expect(rendered.text).toMatch(/^proxy_read_timeout 60ms;/m);
  });

  test('a regex location wins over a matching prefix location, as nginx picks it', () => {
    const rendered = nginxWith((c) => c.replace('location /ws {', 'location ~* ^/WS {').replace('location / {', 'location / {\n        proxy_read_timeout 1h;'));
    expect(rendered.idle?.configuredIdleMs).toBe(86_400_000);
  });

  test('^~ stops the regex search; = is exact', () => {
    const prefix = nginxWith((c) => c.replace('location /ws {', 'location ^~ /ws {').replace('location / {', 'location ~ ^/w {\n        proxy_read_timeout 1h;\n    }\n    location / {'));
    expect(prefix.idle?.configuredIdleMs).toBe(86_400_000);
    const regexWins = nginxWith((c) => c.replace('location / {', 'location ~ ^/w {\n        proxy_read_timeout 1h;\n    }\n    location / {'));
    expect(regexWins.idle?.configuredIdleMs).toBe(3_600_000);
  });

  test('if blocks and named locations keep the block structure; a server-level value is inherited', () => {
    const rendered = nginxWith((c) =>
      noWsTimeouts(c)
        .replace('location /ws {', 'location @fallback {\n        proxy_read_timeout 2h;\n    }\n    location /ws {\n        if ($http_upgrade = "") { return 426; }')
        .replace('ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv1.2 TLSv1.3;\n    proxy_read_timeout 30m;'),
    );
    expect(rendered.idle).toMatchObject({ configuredIdleMs: 1_800_000, renderedIdleMs: 1800 });
    expect(rendered.text).toMatch(/proxy_read_timeout 7200ms;/);
  });

  test('an unbalanced block stops the run with its line, instead of scaling a guess', () => {
    expect(() => nginxWith((c) => c.replace('location /ws {', 'location /ws {{'))).toThrow(/line \d+: .*cannot scale/);
  });
});

describe('HAProxy timeouts per section: every client, server and tunnel timeout is scaled', () => {
  test('a tunnel timeout on another backend leaves the WebSocket backend on client/server (60 s), scaled', () => {
    const rendered = render('haproxy', 'proxies/haproxy/scenarios/tunnel-timeout-on-other-backend.cfg', DEFAULT_TIME_SCALE);
    expect(rendered.text).toMatch(/timeout client 1000ms/);
    expect(rendered.text).toMatch(/timeout server 1000ms/);
    expect(rendered.text).toMatch(/timeout tunnel 8640ms/);
    expect(rendered.idle?.configuredIdleMs).toBe(60_000);
  });

  test("the backend a use_backend rule picks for the upgrade governs, not the pages' shorter client/server", () => {
    // acl is_websocket hdr(Upgrade) -i websocket / path_beg /ws; use_backend inspect360_ws (tunnel 24h).
    const rendered = render('haproxy', 'fixtures/customer-configs/haproxy-behind-load-balancer.cfg', DEFAULT_TIME_SCALE);
    expect(rendered.idle?.configuredIdleMs).toBe(86_400_000);
    const inline = readFileSync(join(repoRoot, 'fixtures/customer-configs/haproxy-behind-load-balancer.cfg'), 'utf8')
      .replace(/^\s*acl is_websocket .*\n/gm, '')
      .replace('use_backend inspect360_ws if is_websocket', 'use_backend inspect360_ws if { path_beg /ws }');
    expect(haproxyTimeouts.scale(inline, { scale: 1 }).configuredIdleMs).toBe(86_400_000);
    // A condition that says nothing of the upgrade or /ws: every backend counts, the shortest wins.
    expect(haproxyTimeouts.scale(inline.replace('{ path_beg /ws }', '{ src 10.0.0.0/8 }'), { scale: 1 }).configuredIdleMs).toBe(30_000);
  });

  test('a bandwidth limit filter on the frontend keeps timeout tunnel off: client/server (60 s) govern, rendered from 1 s', () => {
    // Measured on HAProxy 3.0.11: with the filter a silent socket closed after timeout client (cD--).
    const rendered = render('haproxy', 'proxies/haproxy/scenarios/bandwidth-limit.cfg', DEFAULT_TIME_SCALE);
    expect(rendered.idle).toMatchObject({ configuredIdleMs: 60_000, renderedIdleMs: 1000 });
    expect(rendered.text).toMatch(/timeout client 1000ms/);
    const config = readFileSync(join(repoRoot, 'proxies/haproxy/scenarios/bandwidth-limit.cfg'), 'utf8');
    const idle = (text: string, version?: string) => haproxyTimeouts.scale(text, { scale: 1, version }).configuredIdleMs;
    expect(idle(config, '3.0')).toBe(60_000);
    // The rest measured in real time on 3.0.11 and 3.2.26 (fixtures/proxies/haproxy/timeouts.ts):
    // HAProxy 3.2 applies the tunnel timeout with the filter.
    expect(idle(config, '3.2')).toBe(86_400_000);
    // A filter declared with no rule that applies it to the WebSocket stays off the stream.
    const rules = /^\s*http-(request|response) set-bandwidth-limit .*$/gm;
    expect(idle(config.replace(rules, ''), '3.0')).toBe(86_400_000);
    expect(idle(config.replace(rules, (rule) => `${rule} if !{ status 101 }`), '3.0')).toBe(86_400_000);
    expect(idle(config.replace(rules, (rule) => `${rule} if { path_beg /api }`), '3.0')).toBe(86_400_000);
    expect(idle(config.replace(rules, (rule) => `${rule} if { path_beg /ws }`), '3.0')).toBe(60_000);
    // The trace filter, on the frontend or the backend, keeps it off too (2.6.12 and 3.0.11).
    const traced = config.replace(rules, '').replace(/^\s*filter bwlim-.*$/gm, '');
    expect(idle(traced, '3.0')).toBe(86_400_000);
    expect(idle(traced.replace(/^backend inspect360$/m, 'backend inspect360\n    filter trace name T'), '2.6')).toBe(60_000);
  });

  test('the shipped config: the defaults tunnel timeout governs; client/server, bounding only the exchange before the upgrade, keep room for it', () => {
    const rendered = render('haproxy', 'proxies/haproxy/haproxy.cfg', DEFAULT_TIME_SCALE);
    expect(rendered.idle).toMatchObject({ configuredIdleMs: 86_400_000, renderedIdleMs: 8640 });
    // Under half the scaled 24 h (8,640 ms), so were they to govern after all, the check would fail.
    expect(rendered.text).toMatch(/timeout client 4320ms/);
    expect(rendered.text).toMatch(/timeout server 4320ms/);
    expect(render('haproxy', 'proxies/haproxy/haproxy.cfg', 20).text).toMatch(/timeout client 5000ms/);
  });
});

describe('Apache worker timeouts: ProxySet timeout= on the WebSocket worker governs, and is scaled', () => {
  test('<Proxy ws://...> is pointed at the test backend and its ProxySet timeout= scaled; it sets the idle value', () => {
    const rendered = render('apache', 'proxies/apache/scenarios/worker-timeout-1h.conf', DEFAULT_TIME_SCALE);
    expect(rendered.text).toMatch(/<Proxy "ws:\/\/host\.docker\.internal:5000\/ws">/);
    expect(rendered.text).toMatch(/ProxySet timeout=1\b/);
    expect(rendered.idle?.configuredIdleMs).toBe(3_600_000);
  });
});
