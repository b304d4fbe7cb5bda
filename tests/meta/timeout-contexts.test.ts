import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lab, labTurns, selectedForThisRun, startConfig, stopTarget, targetLogs } from '../../fixtures/lab/lab.ts';
import { repoRoot, reportPath } from '../../fixtures/lab/paths.ts';
import { proxyNamed } from '../../fixtures/proxies/index.ts';
import { renderConfig } from '../../fixtures/proxies/render.ts';
import { scaledMs } from '../../fixtures/proxies/timeouts/table.ts';
import { measureIdle, type ProxyStarter } from '../../fixtures/timeouts/measure-idle.ts';

/**
 * Property-style: timeout directives moved between the contexts where the proxy accepts them, with
 * values drawn per variant, and an oracle written from the proxy's documented inheritance (not from
 * the suite's parser). Two halves: the renderer's view of the WebSocket route's idle limit equals
 * the oracle on every generated variant (no proxy runs), and on a sample the real proxy closes an
 * idle socket at the oracle's value, scaled: so the oracle is the proxy's behaviour, not a guess.
 * A write timeout (nginx's send_timeout, proxy_send_timeout) is shown the same way with a peer that
 * stops reading; its renderer half asserts every value placed is written scaled.
 *
 * The values of a variant are distinct and a factor 2 apart, and each measured variant runs at the
 * scale that puts its expected close at 4 wall seconds: a close tells the applied value from its
 * neighbours at 2 and 8 s. (At one scale for all, 1:120, nginx's 60 s default was 500 ms and a
 * loaded CI machine saw the close after 1,091 ms.) The bracket only tells neighbours apart; it
 * judges no config.
 */
const VALUES_S = [120, 240, 480, 960, 1920, 3840];
/** The renderer's half reads real values: any scale does. */
const SCALE = 120;
const VARIANTS = 200;
/** Measured per proxy: a variant of each governing rule first (sampled()), then more. */
const MEASURED = 10;
/** Where each measured variant's expected close falls, in wall ms. */
const EXPECTED_WALL_MS = 4000;
/**
 * The same for a stalled socket's cut: later, so the path's fill (0.7 s at the median of a full
 * run, up to 8.1 s: stall-socket.ts) ends before the write timer can fire, and the cut is timed
 * from the mark rather than bounded from the handshake.
 */
const STALL_EXPECTED_WALL_MS = 8000;

/** mulberry32: a fixed seed, so a failure names a variant anyone can rerun. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shuffled = <T>(items: T[], next: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};

interface Variant {
  name: string;
  config: string;
  /** What the proxy applies to an idle tunnel on /ws, in real seconds. */
  expectedS: number;
  /** Where each directive went, for the failure message. */
  placed: string;
  /** Which context's value applies (and over which), so the measured sample covers each rule. */
  governs: string;
  /** Where nothing closes the tunnel (expectedS Infinity): the value that sets its scale (seconds). */
  otherS?: number;
  /** A write timeout's variant: the stalled socket that measures it, the directive and the values placed. */
  stall?: 'client-stalled' | 'backend-stalled';
  directive?: string;
  values?: number[];
}

/** The measured sample: the first variant of each governing rule, then the next ones. */
function sampled(all: Variant[]): Variant[] {
  const firsts = all.filter((v, i) => all.findIndex((w) => w.governs === v.governs) === i);
  return [...firsts, ...all.filter((v) => !firsts.includes(v))].slice(0, MEASURED);
}

/**
 * nginx (ngx_http_proxy_module: proxy_read_timeout in http, server, location; not in `if`): the
 * location that serves /ws takes its own value, else its server's, else http's, else 60 s. A regex
 * location wins over the `/` prefix; a named location and `location /` never serve /ws.
 *
 * The write timeouts of an upgraded tunnel (ngx_http_upstream_process_upgraded,
 * src/http/ngx_http_upstream.c) are inherited the same way: toward the client the core
 * send_timeout, toward the backend proxy_send_timeout (ngx_http_core_module, ngx_http_proxy_module:
 * http, server, location; 60 s). They cut a peer that stops reading, measured with a stalled socket
 * (`stall`). The variant moves one of the three; the other two stay at 86400 s in the http block,
 * so only the moved one can close the watched socket.
 */
type NginxTimeout = 'proxy_read_timeout' | 'send_timeout' | 'proxy_send_timeout';
const NGINX_TIMEOUTS: NginxTimeout[] = ['proxy_read_timeout', 'send_timeout', 'proxy_send_timeout'];
function nginxVariant(seed: number, directive: NginxTimeout = 'proxy_read_timeout'): Variant {
  const next = random(seed);
  const fixed = NGINX_TIMEOUTS.filter((d) => d !== directive).map((d) => `${d} 86400s;`).join('\n');
  const base = readFileSync(join(repoRoot, 'proxies/nginx/inspect360.conf'), 'utf8').replace(/^\s*(proxy_read_|proxy_send_|send_)timeout 86400s;.*\n/gm, '');
  const contexts = ['http', 'server', 'ws', 'root', 'named'] as const;
  const values = shuffled(VALUES_S, next);
  const set = Object.fromEntries(contexts.flatMap((c, i) => (next() < 0.55 ? [[c, values[i]!]] : []))) as Partial<Record<(typeof contexts)[number], number>>;
  const regex = next() < 0.5;
  const withIf = next() < 0.5;
  const line = (c: (typeof contexts)[number]) => (set[c] ? `${directive} ${set[c]}s;` : '');
  const config = base
    .replace(/^(map \$http_upgrade \$connection_upgrade)/m, `${fixed}\n${line('http')}\n$1`)
    .replace('ssl_protocols TLSv1.2 TLSv1.3;', `ssl_protocols TLSv1.2 TLSv1.3;\n    ${line('server')}\n    location @named {\n        ${line('named')}\n        return 404;\n    }`)
    .replace('location /ws {', `location ${regex ? '~ ^/ws' : '/ws'} {\n        ${line('ws')}${withIf ? '\n        if ($http_x_wspc_none = "never") { return 418; }' : ''}`)
    .replace('location / {', `location / {\n        ${line('root')}`);
  const expectedS = set.ws ?? set.server ?? set.http ?? 60;
  const placed = `${directive}: ` + contexts.map((c) => `${c}=${set[c] ?? '-'}`).join(' ') + `${regex ? ' (/ws as a regex location)' : ''}${withIf ? ' (an if block in /ws)' : ''}`;
  const outer = set.ws !== undefined ? (set.server ?? set.http) : set.server !== undefined ? set.http : undefined;
  const governs = `${set.ws !== undefined ? (regex ? 'regex location' : 'location') : set.server !== undefined ? 'server' : set.http !== undefined ? 'http' : 'default'}${outer !== undefined ? ' over an outer one' : ''}`;
  const stall = directive === 'send_timeout' ? ('client-stalled' as const) : directive === 'proxy_send_timeout' ? ('backend-stalled' as const) : undefined;
  return { name: `nginx #${seed}`, config, expectedS, placed, governs, ...(stall ? { stall, directive, values: Object.values(set) } : {}) };
}

/**
 * HAProxy (configuration.txt 4.2): `timeout tunnel` (defaults, backend) replaces client and server
 * for an upgraded connection; without it the tunnel closes at the shorter of the frontend's client
 * and the backend's server timeout. Each section takes what it does not set from the defaults.
 *
 * A peer that stops reading (`stall`) is cut by the timeout of its own side only: with the client's
 * side blocked, HAProxy stops reading from the server and arms no timer there, so without a tunnel
 * timeout a client that stops reading is cut at `timeout client`, a backend at `timeout server`.
 * (Measured 2026-12-06 on 2.6: with server 240 s and client 3840 s or 1920 s, a client that stopped
 * reading was still open 17 s after the mark where 240 s was 8 s.) Never before the silent
 * tunnel's close, so idle-timeout-24h's silent sockets show such a config failing first.
 */
function haproxyVariant(seed: number, stall?: 'client-stalled' | 'backend-stalled'): Variant {
  const next = random(seed);
  const base = readFileSync(join(repoRoot, 'proxies/haproxy/haproxy.cfg'), 'utf8');
  const values = shuffled(VALUES_S, next);
  const pick = (i: number, always = false) => (always || next() < 0.5 ? values[i]! : undefined);
  const d = { client: pick(0, true)!, server: pick(1, true)!, tunnel: pick(2) };
  const f = { client: pick(3) };
  const b = { server: pick(4), tunnel: pick(5) };
  const lines = (entries: Record<string, number | undefined>, indent = '    ') =>
    Object.entries(entries).flatMap(([k, v]) => (v === undefined ? [] : [`${indent}timeout ${k} ${v}s`])).join('\n');
  const config = base
    .replace(/^\s*timeout (client|server|tunnel) .*\n/gm, '')
    .replace(/^(\s*timeout connect .*)$/m, `$1\n${lines(d)}`)
    .replace(/^(\s*bind :443 .*)$/m, `$1\n${lines(f)}`)
    .replace(/^(\s*server app .*)$/m, `$1\n${lines(b)}`);
  const tunnel = b.tunnel ?? d.tunnel;
  const placed = `defaults client=${d.client} server=${d.server} tunnel=${d.tunnel ?? '-'}; frontend client=${f.client ?? '-'}; backend server=${b.server ?? '-'} tunnel=${b.tunnel ?? '-'}`;
  const client = f.client ?? d.client;
  const server = b.server ?? d.server;
  const side = stall === 'client-stalled' ? 'client' : stall === 'backend-stalled' ? 'server' : client < server ? 'client' : 'server';
  const expectedS = tunnel ?? (side === 'client' ? client : server);
  const governs = tunnel !== undefined
    ? b.tunnel !== undefined ? (d.tunnel !== undefined ? 'backend tunnel over defaults tunnel' : 'backend tunnel') : 'defaults tunnel'
    : side === 'client' ? (f.client !== undefined ? 'frontend client' : 'defaults client') : b.server !== undefined ? 'backend server' : 'defaults server';
  return { name: `haproxy #${seed}`, config, expectedS, placed, governs, ...(stall ? { stall } : {}) };
}

/**
 * Apache httpd 2.4.47+ (mod_proxy_http's tunnel, which mod_proxy_wstunnel hands the upgrade to):
 * the tunnel polls with the larger of the client's timeout (the vhost's Timeout, else the main
 * server's, else Debian's 300 s) and the backend's (the worker's timeout=, from ProxyPass or a
 * ProxySet in its <Proxy>, else the vhost's ProxyTimeout, else the main server's, else the client's
 * Timeout). A main-server directive applies wherever it stands in the file; the port-80 vhost's
 * own values never reach the WebSocket on 443. Values from 600 s, a factor 2 from Debian's 300 s.
 */
function apacheVariant(seed: number): Variant {
  const next = random(seed);
  const base = readFileSync(join(repoRoot, 'proxies/apache/inspect360.conf'), 'utf8').replace(/^\s*ProxyTimeout 86400\s*\n/m, '');
  const values = shuffled(VALUES_S.map((v) => v * 5), next);
  const maybe = (i: number) => (next() < 0.45 ? values[i % values.length]! : undefined);
  const server = { Timeout: maybe(0), ProxyTimeout: maybe(1) };
  const plain = { Timeout: maybe(2), ProxyTimeout: maybe(3) };
  const tls = { Timeout: maybe(4), ProxyTimeout: maybe(5) };
  const worker = (['none', 'proxypass', 'proxyset-vhost', 'proxyset-server'] as const)[Math.floor(next() * 4)]!;
  const workerS = worker === 'none' ? undefined : values[Math.floor(next() * values.length)]!;
  const serverAtEnd = next() < 0.5;
  const lines = (set: Record<string, number | undefined>, indent: string) => Object.entries(set).flatMap(([k, v]) => (v === undefined ? [] : [`${indent}${k} ${v}`])).join('\n');
  const proxySet = `<Proxy "ws://localhost:5000/ws">\n    ProxySet timeout=${workerS}\n</Proxy>`;
  let config = base
    .replace('<VirtualHost *:80>', `${serverAtEnd ? '' : `${lines(server, '')}\n`}${worker === 'proxyset-server' ? `${proxySet}\n` : ''}<VirtualHost *:80>\n${lines(plain, '    ')}`)
    .replace(/^(\s*SSLEngine on)$/m, `$1\n${lines(tls, '    ')}${worker === 'proxyset-vhost' ? `\n    ${proxySet.replace(/\n/g, '\n    ')}` : ''}`)
    .replace('ProxyPass /ws ws://localhost:5000/ws', `ProxyPass /ws ws://localhost:5000/ws${worker === 'proxypass' ? ` timeout=${workerS}` : ''}`);
  if (serverAtEnd) config += `\n${lines(server, '')}\n`;
  const clientS = tls.Timeout ?? server.Timeout ?? 300;
  const backendS = workerS ?? tls.ProxyTimeout ?? server.ProxyTimeout ?? clientS;
  const expectedS = Math.max(clientS, backendS);
  const placed = `server Timeout=${server.Timeout ?? '-'} ProxyTimeout=${server.ProxyTimeout ?? '-'} (${serverAtEnd ? 'after' : 'before'} the vhosts); :80 Timeout=${plain.Timeout ?? '-'} ProxyTimeout=${plain.ProxyTimeout ?? '-'}; :443 Timeout=${tls.Timeout ?? '-'} ProxyTimeout=${tls.ProxyTimeout ?? '-'}; worker ${worker}${workerS ? `=${workerS}` : ''}`;
  const clientFrom = tls.Timeout !== undefined ? ':443 Timeout' : server.Timeout !== undefined ? 'server Timeout' : 'Debian Timeout';
  const backendFrom = workerS !== undefined ? `worker (${worker})` : tls.ProxyTimeout !== undefined ? ':443 ProxyTimeout' : server.ProxyTimeout !== undefined ? 'server ProxyTimeout' : 'Timeout';
  const governs = clientS >= backendS ? `${clientFrom} over ${backendFrom}` : `${backendFrom} over ${clientFrom}`;
  return { name: `apache #${seed}`, config, expectedS, placed, governs };
}

/**
 * Caddy 2.6 (reverse_proxy, https://caddyserver.com/docs/caddyfile/directives/reverse_proxy): an
 * upgraded tunnel's only idle limit is the `transport http` read_timeout of the reverse_proxy that
 * serves the request; nothing is inherited, and without it nothing closes a silent tunnel. The
 * WebSocket's route takes each shape customers write (a named path matcher, a path on `handle` or
 * `route`, a matcher on reverse_proxy itself, an Upgrade-header matcher, or one reverse_proxy for
 * everything), beside a route for the rest with a value of its own. Handlers run in Caddy's
 * directive order, not the file's (https://caddyserver.com/docs/caddyfile/directives#directive-order),
 * and those of one kind most specific first: so `route /ws*` beside a bare `handle` never sees the
 * WebSocket (handle runs first and serves everything), while beside a bare `reverse_proxy` it does.
 * A variant where nothing closes the tunnel is measured at the scale that would put the other
 * value (or 120 s) at 4 s: it must stay open past twice that.
 */
function caddyVariant(seed: number, directive: 'read_timeout' | 'write_timeout' = 'read_timeout'): Variant {
  const next = random(seed);
  const base = readFileSync(join(repoRoot, 'proxies/caddy/Caddyfile'), 'utf8');
  const values = shuffled(VALUES_S, next);
  const shapes = ['named-handle', 'path-handle', 'route-beside-handle', 'route-beside-proxy', 'matcher-on-proxy', 'upgrade-matcher', 'single'] as const;
  const shape = shapes[Math.floor(next() * shapes.length)]!;
  const ws = next() < 0.6 ? values[0]! : undefined;
  const other = shape !== 'single' && next() < 0.6 ? values[1]! : undefined;
  const wsFirst = next() < 0.5;
  const proxy = (indent: string, matcher: string, value: number | undefined) =>
    [
      `${indent}reverse_proxy ${matcher}localhost:5000 {`,
      `${indent}\theader_up X-Real-IP {remote_host}`,
      ...(value === undefined ? [] : [`${indent}\ttransport http {`, `${indent}\t\t${directive} ${value}s`, `${indent}\t}`]),
      `${indent}}`,
    ].join('\n');
  const inHandle = (opener: string, body: string) => `\t${opener} {\n${body}\n\t}`;
  const rest = inHandle('handle', proxy('\t\t', '', other));
  const routes: Record<(typeof shapes)[number], string[]> = {
    'named-handle': [`\t@ws path /ws /ws/*\n${inHandle('handle @ws', proxy('\t\t', '', ws))}`, rest],
    'path-handle': [inHandle('handle /ws*', proxy('\t\t', '', ws)), rest],
    'route-beside-handle': [inHandle('route /ws*', proxy('\t\t', '', ws)), rest],
    'route-beside-proxy': [inHandle('route /ws*', proxy('\t\t', '', ws)), proxy('\t', '', other)],
    'matcher-on-proxy': [proxy('\t', '/ws* ', ws), proxy('\t', '', other)],
    'upgrade-matcher': [`\t@websockets {\n\t\theader Connection *Upgrade*\n\t\theader Upgrade websocket\n\t}\n${proxy('\t', '@websockets ', ws)}`, proxy('\t', '', other)],
    single: [proxy('\t', '', ws)],
  };
  const ordered = wsFirst ? routes[shape] : [...routes[shape]].reverse();
  const site = base.slice(0, base.indexOf('\t# WebSocket endpoint'));
  const config = `${site}${ordered.join('\n\n')}\n}\n`;
  // The bare handle runs before any route: the WebSocket is served there.
  const [applied, unused] = shape === 'route-beside-handle' ? [other, ws] : [ws, other];
  const expectedS = applied ?? Infinity;
  const placed = `${shape}: /ws ${directive}=${ws ?? '-'}${shape === 'single' ? '' : `, the rest ${directive}=${other ?? '-'}`} (${wsFirst ? '/ws route first' : 'the rest first'})`;
  const whose = shape === 'route-beside-handle' ? 'the bare handle\'s' : `${shape} /ws`;
  const governs = applied !== undefined ? `${whose} ${directive}${unused !== undefined ? ' over another' : ''}` : unused !== undefined ? `none (${whose}) beside another` : 'none';
  const stall = directive === 'write_timeout' ? { stall: 'backend-stalled' as const, directive, values: [ws, other].filter((v) => v !== undefined) } : {};
  return { name: `caddy #${seed}`, config, expectedS, placed, governs, ...(expectedS === Infinity ? { otherS: unused ?? 120 } : {}), ...stall };
}

/** A family of variants: the proxy that runs them and how each is made from its seed. */
const families: Array<{ name: string; proxy: string; make: (seed: number) => Variant }> = [
  { name: 'nginx', proxy: 'nginx', make: (seed) => nginxVariant(seed) },
  { name: 'nginx send_timeout', proxy: 'nginx', make: (seed) => nginxVariant(seed, 'send_timeout') },
  { name: 'nginx proxy_send_timeout', proxy: 'nginx', make: (seed) => nginxVariant(seed, 'proxy_send_timeout') },
  { name: 'haproxy', proxy: 'haproxy', make: (seed) => haproxyVariant(seed) },
  { name: 'haproxy, client not reading', proxy: 'haproxy', make: (seed) => haproxyVariant(seed, 'client-stalled') },
  { name: 'haproxy, backend not reading', proxy: 'haproxy', make: (seed) => haproxyVariant(seed, 'backend-stalled') },
  // Apache's tunnel waits on the larger of the client's and the backend's timeouts for reads and
  // writes alike: the idle oracle, measured with a peer that stops reading.
  { name: 'apache', proxy: 'apache', make: apacheVariant },
  { name: 'apache, backend not reading', proxy: 'apache', make: (seed) => ({ ...apacheVariant(seed), stall: 'backend-stalled' }) },
  { name: 'caddy', proxy: 'caddy', make: (seed) => caddyVariant(seed) },
  { name: 'caddy write_timeout', proxy: 'caddy', make: (seed) => caddyVariant(seed, 'write_timeout') },
];

/**
 * A write timeout's variant, rendered: every value placed is written scaled, wherever it stands (the
 * renderer's idle figure is proxy_read_timeout's, which such a variant keeps at 86400 s).
 */
function unscaledWrites(v: Variant, text: string): string[] {
  // Comments left out: the shipped nginx file's mention a measured `send_timeout 5s`.
  const rendered = text.replace(/#.*$/gm, '');
  const left = [...rendered.matchAll(new RegExp(`(?<![\\w])${v.directive}\\s+(\\d+)s\\b`, 'g'))].map((m) => `${v.directive} ${m[1]}s`);
  const missing = (v.values ?? []).filter((value) => !rendered.includes(`${v.directive} ${scaledMs(value * 1000, { scale: SCALE })}ms`)).map((value) => `${v.directive} ${value}s`);
  return [...left, ...missing];
}

describe.each(families)('timeout directives in every context: $name', (family) => {
  const { proxy } = family;
  const variants = () => Array.from({ length: VARIANTS }, (_, i) => family.make(i + 1));
  const slug = family.name.replace(/\W+/g, '-');
  const stalls = family.make(1).stall !== undefined;
  const expectedWallMs = stalls ? STALL_EXPECTED_WALL_MS : EXPECTED_WALL_MS;
  // A stalled family without a directive of its own (HAProxy's, Apache's) renders what the idle
  // family renders, whose half reads it; a write timeout's family shows its values scaled.
  const rendersOwn = !stalls || family.make(1).directive !== undefined;
  // Not registered otherwise: a skipped test reads as something not run.
  if (rendersOwn) {
    test(`the renderer ${stalls ? 'scales every value placed' : 'reads the limit the proxy applies to /ws'} on ${VARIANTS} generated variants`, () => {
      const wrong = variants().flatMap((v) => {
        const rendered = renderConfig(proxyNamed(proxy), v.config, { backendHost: 'h', backendPort: 5000, certs: lab().certs, timeouts: { scale: SCALE } });
        if (v.directive) {
          const unscaled = unscaledWrites(v, rendered.text);
          return unscaled.length === 0 ? [] : [`${v.name} (${v.placed}): not scaled in the rendered config: ${unscaled.join(', ')}`];
        }
        const read = rendered.idle?.configuredIdleMs;
        return read === v.expectedS * 1000 ? [] : [`${v.name} (${v.placed}): the renderer read ${read} ms, the proxy applies ${v.expectedS} s`];
      });
      expect(wrong).toEqual([]);
    });
  }

  const running = () => selectedForThisRun(lab().controls && lab().targets.some((t) => t.proxy === proxy && t.scenario === null), `the ${family.name} timeout-context variants`);
  test.runIf(running())(`the real proxy ${stalls ? 'cuts a peer that stops reading' : 'closes an idle socket'} at the oracle's value on ${MEASURED} of them (each scaled to close after ${expectedWallMs / 1000} s)`, async () => {
    const sample = sampled(variants());
    const dir = reportPath('timeout-contexts');
    mkdirSync(dir, { recursive: true });
    const starter: ProxyStarter = {
      ca: lab().certs.caPem,
      backend: lab().backend,
      turns: labTurns(),
      start: (p, configFile, label, backendPort, timeouts) => startConfig(p, configFile, label, backendPort, timeouts),
      stop: stopTarget,
      logs: targetLogs,
    };
    const results = await Promise.all(
      sample.map(async (v) => {
        const seed = v.name.split('#')[1];
        const file = join(dir, `${slug}-${seed}.conf`);
        writeFileSync(file, v.config);
        const never = v.expectedS === Infinity;
        const scale = ((never ? v.otherS! : v.expectedS) * 1000) / expectedWallMs;
        const expectedMs = expectedWallMs;
        const run = await measureIdle(starter, proxy, file, `contexts-${slug}-${seed}`, {
          timeouts: { scale },
          sockets: [{ silence: v.stall ?? 'both', pingIntervalMs: 0, deadlineMs: expectedMs * 2 + 1000, tickMs: 1000 }],
        });
        const seen = run.observations[0]!;
        const closedMs = seen.closedAfterMs;
        // Neighbouring values are a factor 2 apart: this tells the applied one from them. Where
        // nothing closes the tunnel, it is open (frames both ways) past twice the other value.
        const identified = never
          ? closedMs === undefined && !seen.error
          : closedMs !== undefined && closedMs >= expectedMs * 0.75 && closedMs <= expectedMs * 1.35 + 250;
        const expected = never ? `no close (the other value, ${v.otherS} s, is ${expectedMs} ms at 1:${scale})` : `a close after ${expectedMs} ms (${v.expectedS} s at 1:${scale})`;
        return identified
          ? []
          : [`${v.name} (${v.placed}; ${v.governs}): expected ${expected}, saw ${closedMs === undefined ? `none in ${seen.watchedMs} ms${seen.error ? ` (${seen.error})` : ''}` : `${closedMs} ms${seen.reason ? ` (${seen.reason})` : ''}`}; config: ${file}`];
      }),
    );
    expect(results.flat()).toEqual([]);
  });
});
