import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { wspcCommand } from '../../fixtures/cli-run.ts';
import { loginAtBackend, setPingInterval } from '../../fixtures/clients/backend-api.ts';
import { generateRunCertificates, type RunCertificates } from '../../fixtures/certs.ts';
import { startEdgeChain } from '../../fixtures/edge/chain.ts';
import { lab, labTurns, scenarioFile, workerRuntime } from '../../fixtures/lab/lab.ts';
import { reportPath } from '../../fixtures/lab/paths.ts';
import { startTarget, type Target } from '../../fixtures/lab/target.ts';
import { proxyNamed } from '../../fixtures/proxies/index.ts';
import type { ChecklistJson } from '../../fixtures/report/checklist-report.ts';
import { checklistSchemaErrors } from '../../fixtures/report/schema.ts';
import { engineHost } from '../../fixtures/runtime/docker/engine.ts';
import { settings } from '../../fixtures/settings.ts';

// Needs: Docker, the nginx image (and HAProxy's for its one test, left out when WSPC_PROXIES does not select it). `wspc probe` as a support engineer runs it against a live site:
// here the live site is a proxy of this run, reached like any host (--resolve to where its port is
// published, its certificate trusted with --ca), and the session a user's cookie.
const dir = mkdtempSync(join(tmpdir(), 'wspc-probe-'));
const caFile = join(dir, 'ca.pem');
let certs: Promise<RunCertificates> | undefined;

const siteCerts = () => (certs ??= generateRunCertificates(['portal.inspect360.ai']));

/** A "deployment": nginx on `configFile` with a certificate for its name from a CA of its own (ca.pem), or the one given. */
async function deploy(configFile: string, scenario: string, given?: RunCertificates, proxy = 'nginx'): Promise<Target & { stop: () => Promise<void> }> {
  const own = given ?? (await siteCerts());
  writeFileSync(caFile, own.caPem);
  const { target, running } = await labTurns().heavy(() => startTarget(workerRuntime(), { definition: proxyNamed(proxy), configFile, scenario, backendPort: lab().backend.port, certs: own }));
  return { ...target, stop: running.stop };
}

async function probe(target: Target, args: string[]) {
  const json = join(dir, `${target.label.replace(/\W/g, '_')}-${Date.now()}.json`);
  // curl's --resolve form: the site's name and port, to where this run publishes it.
  const resolve = `${target.serverName}:${target.httpsPort}:${engineHost()}`;
  const run = await wspcCommand(['probe', `wss://${target.serverName}:${target.httpsPort}${target.wsPath}`, '--resolve', resolve, '--json', json, ...args]);
  const report = JSON.parse(readFileSync(json, 'utf8')) as ChecklistJson;
  const cells = Object.values(report.proxies)[0]!.checks;
  return { ...run, report, status: Object.fromEntries(Object.entries(cells).map(([id, c]) => [id, c.status])), detail: (id: string) => cells[id]!.detail };
}

/** A user with a session cookie, and the backend's pings to that user every `pingMs` (0: none). */
async function session(pingMs: number) {
  const user = `probe-${Date.now()}`;
  await setPingInterval(user, pingMs);
  return (await loginAtBackend(user)).cookie;
}

describe('wspc probe: the client-side checks against a running deployment', () => {
  test('the shipped nginx config: TLS, upgrade, 1008, pings pass; the idle figure is unproven, not a pass', { timeout: 120_000 }, async () => {
    const target = await deploy(proxyNamed('nginx').configFile, 'probe-shipped');
    try {
      const run = await probe(target, ['--ca', caFile, '--cookie', await session(1000), '--idle', '5s']);
      expect(run.code, run.stderr).toBe(0);
      // What a user sees, kept for the README's worked example.
      writeFileSync(reportPath('probe-example.txt'), `${run.stderr}${run.stdout}`);
      expect(checklistSchemaErrors(run.report)).toEqual([]);
      expect(run.report.backend).toBe('none');
      expect(run.status).toMatchObject({ 'tls-valid': 'pass', upgrade: 'pass', 'auth-1008': 'pass', keepalive: 'pass', 'idle-timeout-24h': 'not run', 'cookie-forwarded': 'not run', browser: 'not run' });
      expect(run.detail('tls-valid')).toMatch(
        /certificate for portal\.inspect360\.ai verified against the CA given \(--ca\); it expires in \d+ day.*; the site accepts TLSv1\.2, TLSv1\.3; it offers HTTP\/2 \(ALPN h2\) without extended CONNECT \(RFC 8441\): browsers open WebSockets with an HTTP\/1\.1 upgrade/,
      );
      expect(run.detail('upgrade')).toMatch(/the socket opened and stayed open 2 s with the session given/);
      expect(run.detail('keepalive')).toMatch(/the backend pinged every 1\.\d s at most \(3 ping\(s\).*within 60\.0 s.*in front: nginx \(server: nginx\/1\.\d+\.\d+\); no documented idle limit known for it/);
      expect(run.detail('idle-timeout-24h')).toMatch(/stayed open 5\.0 s and still answered a ping; 24 h is not proven by a probe/);
      expect(run.detail('cookie-forwarded')).toMatch(/needs the backend's view/);
      // Without --ca the run's private CA is not trusted: what a client without it sees.
      const untrusted = await probe(target, ['--only', 'tls-valid']);
      expect(untrusted.code).toBe(1);
      expect(untrusted.detail('tls-valid')).toMatch(/TLS verification failed for portal\.inspect360\.ai: .*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|unable to get local issuer)/i);
      // Without a session: the upgrade still works (the application answers 1008); what needs a session says so.
      const anonymous = await probe(target, ['--ca', caFile, '--only', 'upgrade,keepalive']);
      expect(anonymous.status).toEqual({ upgrade: 'pass', keepalive: 'not run' });
      expect(anonymous.detail('upgrade')).toMatch(/without a session \(no --cookie\) the application closed the socket with 1008/);
      expect(anonymous.detail('keepalive')).toMatch(/needs an authenticated socket: give --cookie/);
    } finally {
      await target.stop();
    }
  });

  test('--browser: the site\'s page loads in Chromium; its own socket gets 1008 without a session and stays open with one', { timeout: 180_000 }, async () => {
    const target = await deploy(proxyNamed('nginx').configFile, 'probe-browser');
    try {
      const run = await probe(target, ['--browser', '--ca', caFile, '--cookie', await session(0), '--only', 'browser,browser-auth-1008']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.detail('browser-auth-1008')).toMatch(/without a session the page's socket opened, then closed with 1008$/);
      expect(run.detail('browser')).toMatch(/page over h2; with the session the page's own socket opened over http\/1\.1 and stayed open 2 s/);
      const without = await probe(target, ['--ca', caFile, '--only', 'browser']);
      expect(without.detail('browser')).toBe('needs Chromium: add --browser');
    } finally {
      await target.stop();
    }
    // A site whose proxy drops the Upgrade header: the page's socket never opens.
    const broken = await deploy(scenarioFile('nginx', 'no-upgrade-header'), 'no-upgrade-header');
    try {
      const run = await probe(broken, ['--browser', '--ca', caFile, '--only', 'browser-auth-1008']);
      expect(run.code).toBe(1);
      expect(run.detail('browser-auth-1008')).toMatch(/without a session the page's socket closed with 1006 without opening, not close code 1008/);
    } finally {
      await broken.stop();
    }
  });

  test('a 5 s proxy_read_timeout: a silent socket closes after 5 s and the probe fails it', { timeout: 60_000 }, async () => {
    expect(readFileSync(scenarioFile('nginx', 'read-timeout-5s'), 'utf8')).toMatch(/proxy_read_timeout 5s/);
    const target = await deploy(scenarioFile('nginx', 'read-timeout-5s'), 'read-timeout-5s');
    try {
      const run = await probe(target, ['--ca', caFile, '--cookie', await session(0), '--idle', '15s', '--only', 'idle-timeout-24h']);
      expect(run.code).toBe(1);
      expect(run.detail('idle-timeout-24h')).toMatch(/a silent authenticated socket closed with 1006 after (4\.\d|5\.\d) s: the guide requires 24 h/);
      expect(run.stdout).toMatch(/FAIL idle-timeout-24h: .*\n\s+checklist: WebSocket timeouts are set to at least 24 hours; the guide's "Connection Drops After a Few Seconds" section/);
    } finally {
      await target.stop();
    }
  });

  test('no Upgrade header forwarded: the handshake gets 400, so no upgrade and no 1008', { timeout: 60_000 }, async () => {
    const target = await deploy(scenarioFile('nginx', 'no-upgrade-header'), 'no-upgrade-header');
    try {
      const run = await probe(target, ['--ca', caFile, '--only', 'upgrade,auth-1008']);
      expect(run.code).toBe(1);
      expect(run.detail('upgrade')).toMatch(/handshake answered HTTP 400 instead of 101/);
      expect(run.detail('auth-1008')).toMatch(/without a session the client saw: HTTP 400 instead of 101 .*not close code 1008/);
    } finally {
      await target.stop();
    }
  });

  test('the session cookie blanked on /ws: the socket the session opens is closed with 1008', { timeout: 60_000 }, async () => {
    const target = await deploy(scenarioFile('nginx', 'cookie-blanked'), 'cookie-blanked');
    try {
      const run = await probe(target, ['--ca', caFile, '--cookie', await session(0), '--only', 'upgrade']);
      expect(run.code).toBe(1);
      expect(run.detail('upgrade')).toMatch(/101 with a valid Sec-WebSocket-Accept, but the socket closed with 1008 \(Authentication required\) within 2 s with the session given/);
      expect(run.stdout).toMatch(/FAIL upgrade: .*\n\s+checklist: WebSocket connection established; the guide's "Connection Fails Immediately" section/);
    } finally {
      await target.stop();
    }
  });

  test('an expired certificate and a chain without its intermediate are named', { timeout: 90_000 }, async () => {
    const day = 86_400_000;
    const expired = await generateRunCertificates(['portal.inspect360.ai'], undefined, { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - 3 * day - 3_600_000) });
    let target = await deploy(proxyNamed('nginx').configFile, 'expired-certificate', expired);
    try {
      const run = await probe(target, ['--ca', caFile, '--only', 'tls-valid']);
      expect(run.code).toBe(1);
      expect(run.detail('tls-valid')).toMatch(/TLS verification failed for portal\.inspect360\.ai: CERT_HAS_EXPIRED certificate has expired \(it expired 3 day\(s\) ago: not after .*\)/);
    } finally {
      await target.stop();
    }
    // root -> intermediate -> leaf, served as the leaf alone (cert.pem where fullchain.pem belongs).
    const chained = await generateRunCertificates(['portal.inspect360.ai'], undefined, { intermediate: true });
    target = await deploy(proxyNamed('nginx').configFile, 'leaf-only-chain', { ...chained, fullchainPem: chained.certPem });
    try {
      const run = await probe(target, ['--ca', caFile, '--only', 'tls-valid']);
      expect(run.code).toBe(1);
      expect(run.detail('tls-valid')).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE .*without the intermediate CA certificates: serve the full chain, e\.g\. fullchain\.pem rather than cert\.pem/);
    } finally {
      await target.stop();
    }
    // The same chain served whole passes, with its days left.
    target = await deploy(proxyNamed('nginx').configFile, 'full-chain', chained);
    try {
      const run = await probe(target, ['--ca', caFile, '--only', 'tls-valid']);
      expect(run.code, run.detail('tls-valid')).toBe(0);
      expect(run.detail('tls-valid')).toMatch(/it expires in 6 day\(s\)/);
    } finally {
      await target.stop();
    }
  });

  test("a CDN edge's 20 s idle limit in front: the pings every 25 s come too late, and a silent socket closes at 20 s", { timeout: 120_000 }, async () => {
    const chain = await startEdgeChain('idle-limit-20s', undefined, { certs: await siteCerts() });
    try {
      writeFileSync(caFile, (await siteCerts()).caPem);
      const run = await probe(chain.edge, ['--ca', caFile, '--cookie', await session(25_000), '--idle', '40s', '--only', 'keepalive,idle-timeout-24h']);
      expect(run.code).toBe(1);
      expect(run.detail('keepalive')).toMatch(/the authenticated socket closed with 1006 after (19\.\d|2\d\.\d) s, 0 ping\(s\) from the backend.*in front: .*Caddy/);
      expect(run.detail('idle-timeout-24h')).toMatch(/a silent authenticated socket closed with 1006 after (19\.\d|2\d\.\d) s: the guide requires 24 h/);
    } finally {
      await chain.stop();
    }
  });

  test('--login: the session comes from the site\'s own login POST; a login the proxy does not route fails login-route', { timeout: 90_000 }, async () => {
    const body = JSON.stringify({ username: `probe-login-${Date.now()}` });
    const target = await deploy(proxyNamed('nginx').configFile, 'probe-login');
    try {
      const run = await probe(target, ['--ca', caFile, '--login', '/api/login', '--login-body', body, '--only', 'login-route,upgrade']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stderr).toMatch(/logged in: POST \/api\/login set a session cookie/);
      expect(run.detail('login-route')).toMatch(/^POST \/api\/login through the site set a session cookie \(\w+/);
      expect(run.detail('upgrade')).toMatch(/stayed open 2 s with the session given/);
      const without = await probe(target, ['--ca', caFile, '--only', 'login-route']);
      expect(without.status).toEqual({ 'login-route': 'not run' });
      expect(without.detail('login-route')).toMatch(/needs a login step: give --login PATH --login-body BODY/);
    } finally {
      await target.stop();
    }
    // nginx/ws-only routes only /ws: the login gets nginx's 404 and the socket has no session.
    const wsOnly = await deploy(scenarioFile('nginx', 'ws-only'), 'ws-only');
    try {
      const run = await probe(wsOnly, ['--ca', caFile, '--login', '/api/login', '--login-body', body, '--only', 'login-route,upgrade']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the login step failed .*; the checks run without a session/);
      expect(run.detail('login-route')).toMatch(/login through .* answered 404 without a session cookie \(POST \/api\/login\): 404 Not Found.*a browser cannot log in through this site/);
      expect(run.detail('upgrade')).toMatch(/without a session \(no --cookie\) the application closed the socket with 1008/);
      expect(run.stdout).toMatch(/FAIL login-route: .*\n\s+checklist: /);
    } finally {
      await wsOnly.stop();
    }
  });

  // Like the catalog, a run narrowed to other proxies (WSPC_PROXIES) leaves HAProxy out.
  test.runIf(!settings.narrowed() || settings.proxies([]).includes('haproxy'))('HTTP/2 with extended CONNECT (RFC 8441) is named: HAProxy without h2-workaround-bogus-websocket-clients offers it', { timeout: 90_000 }, async () => {
    for (const [file, scenario, said] of [
      [proxyNamed('haproxy').configFile, 'probe-haproxy', /offers HTTP\/2 \(ALPN h2\) without extended CONNECT \(RFC 8441\)/],
      [scenarioFile('haproxy', 'websocket-over-h2'), 'websocket-over-h2', /offers HTTP\/2 \(ALPN h2\) with extended CONNECT \(RFC 8441\): Chromium and Firefox open their WebSockets over the HTTP\/2 connection/],
    ] as const) {
      const target = await deploy(file, scenario, undefined, 'haproxy');
      try {
        const run = await probe(target, ['--ca', caFile, '--only', 'tls-valid']);
        expect(run.code, run.detail('tls-valid')).toBe(0);
        expect(run.detail('tls-valid')).toMatch(said);
        // The shipped config's ssl-min-ver TLSv1.2.
        expect(run.detail('tls-valid')).toMatch(/the site accepts TLSv1\.2, TLSv1\.3;/);
      } finally {
        await target.stop();
      }
    }
  });

  test('bad input: exit 2 before any connection', async () => {
    for (const [args, message] of [
      [['probe', 'ws://portal.example/ws'], /not a wss:\/\/ URL/],
      [['probe', 'wss://portal.example/ws', '--idle', '2d'], /--idle="2d" is not a duration up to 60m/],
      [['probe', 'wss://portal.example/ws', '--resolve', 'not-an-ip'], /--resolve="not-an-ip" does not end with an IP address/],
      [['probe', 'wss://portal.example/ws', '--resolve', 'other.example:443:127.0.0.1'], /names other\.example:443, but the URL is portal\.example:443/],
      [['probe', 'wss://portal.example/ws', '--only', 'nope'], /--only names unknown check\(s\) nope/],
      [['probe'], /give one URL to probe/],
      [['probe', 'wss://portal.example/ws', '--login', '/api/login'], /--login PATH and --login-body BODY go together/],
      [['probe', 'wss://portal.example/ws', '--login', 'api/login', '--login-body', '{}'], /--login="api\/login" is not a path on the site/],
      [['probe', 'wss://portal.example/ws', '--cookie', 'sid=1', '--login', '/api/login', '--login-body', '{}'], /a session \(--cookie, --cookie-file\) or a login step \(--login\), not both/],
      [['probe', 'wss://portal.example/ws', '--login', '/api/login', '--login-body', '@/nonexistent/body.json'], /cannot read \/nonexistent\/body\.json/],
    ] as const) {
      const run = await wspcCommand([...args]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
    }
  });
});
