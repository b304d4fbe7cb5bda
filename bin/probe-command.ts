import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCheck, type CheckValue } from '../fixtures/check.ts';
import { checklist as checklistInfo, checkIds, type CheckId } from '../fixtures/checklist.ts';
import { checks } from '../fixtures/checks/index.ts';
import type { Target } from '../fixtures/lab/target.ts';
import { renderTerminal, writeChecklistFiles, type ChecklistJson } from '../fixtures/report/checklist-report.ts';
import { toolVersion } from '../fixtures/tool.ts';
import { closeBrowsers, startLiveBrowser } from '../fixtures/clients/browser.ts';
import { peerLeafSpki, tlsHandshake } from '../fixtures/clients/tls-client.ts';
import { loginWith, type LoginStep } from '../fixtures/clients/https-client.ts';
import { dockerEngineProblem } from '../fixtures/runtime/docker/docker-cli.ts';
import { configureTestcontainers } from '../fixtures/runtime/docker/engine.ts';

export const probeUsage = `wspc probe wss://HOST[:PORT]/PATH [options]

Runs, against a running deployment, every check a client can answer on its own: TLS (the real
certificate, verified against Node's root CAs or --ca, its days to expiry, the TLS versions and
HTTP/2 it offers), the upgrade, close code 1008 without a session, the login (--login), and with a
session (--cookie or --login) the backend's pings and how long a silent
socket survives. Checks that need the backend's view or the proxy's config are listed as not run:
run wspc check on the config for those. Read-only and bounded: GET and WebSocket handshakes only
(and the login's POST with --login), one connection at a time, at most --idle plus about two minutes.

Options:
  --ca FILE            trust this CA (PEM) instead of Node's root CAs (a private or staging CA)
  --cookie VALUE       a session cookie (name=value) for the checks that need an authenticated socket
  --cookie-file FILE   the same, read from a file (keeps it out of the shell history)
  --login PATH         log in first as the site's page does: POST --login-body to PATH and use the
                       cookies its answer sets as the session (instead of --cookie)
  --login-body BODY    the login's body: a JSON object is sent as application/json, anything else as a
                       form (user=alice&password=...); @FILE reads it from FILE
  --resolve [HOST:PORT:]ADDRESS
                       connect to ADDRESS instead of what DNS answers for HOST (one node of a cluster,
                       a deployment before its DNS change), as curl's --resolve; SNI, Host and the
                       certificate stay HOST's
  --idle DURATION      how long a silent socket is watched, e.g. 90s, 5m (default 3m, at most 60m)
  --browser            also through Chromium (in Docker, as wspc check runs it): the site's page loads,
                       the page's own socket gets 1008 without a session and stays open with --cookie
  --only ID[,ID]       run only these checks
  --json FILE          write the checklist as JSON (the shape of wspc check's); - for stdout
  --markdown FILE      write the checklist as Markdown
  --out DIR            the report folder (default: a new temporary folder)

Exit: 0 every check that ran passed, 1 a check failed, 2 bad input, 3 the environment (--browser
without a Docker engine).`;

const BAD_INPUT = 2;
const fail = (message: string) => {
  process.stderr.write(`wspc: ${message}\n`);
  return BAD_INPUT;
};

/** "90s", "5m", "1h", "250ms" -> milliseconds; NaN when it is not a duration. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/.exec(text.trim());
  if (!m) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'min' | 'h'];
  return Number(m[1]) * unit;
}

const MAX_IDLE_MS = 3_600_000;

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Why a check does not run in a probe, when it does not. */
function notProbed(value: CheckValue, browser: boolean): string | undefined {
  if (value.browser && !browser) return 'needs Chromium: add --browser';
  if (value.evidence === 'client' || value.probe) return undefined;
  return value.evidence === 'backend' ? "needs the backend's view of what arrived: run wspc check on the config" : "needs the suite to run the proxy's config: run wspc check on the config";
}

export async function probeCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ca: { type: 'string' },
        cookie: { type: 'string' },
        'cookie-file': { type: 'string' },
        login: { type: 'string' },
        'login-body': { type: 'string' },
        resolve: { type: 'string' },
        idle: { type: 'string', default: '3m' },
        browser: { type: 'boolean', default: false },
        only: { type: 'string' },
        json: { type: 'string' },
        markdown: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${probeUsage}`);
  }
  const { values: args, positionals } = parsed;
  if (positionals.length !== 1) return fail(`give one URL to probe, e.g. wss://portal.example.com/ws\n\n${probeUsage}`);
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    return fail(`"${positionals[0]}" is not a URL: give wss://HOST[:PORT]/PATH`);
  }
  if (url.protocol !== 'wss:') return fail(`"${url.href}" is not a wss:// URL: the checklist asks for WebSockets over TLS (wss://)`);
  const idleMs = parseDuration(args.idle!);
  if (!(idleMs > 0 && idleMs <= MAX_IDLE_MS)) return fail(`--idle="${args.idle}" is not a duration up to 60m: use e.g. 90s or 5m`);
  // curl's form, HOST:PORT:ADDRESS, must name the URL's host and port; a bare ADDRESS is enough.
  const curlForm = /^([^:[\]]+):(\d+):\[?([^\]]+)\]?$/.exec(args.resolve ?? '');
  const address = curlForm ? curlForm[3]! : args.resolve;
  if (curlForm && (curlForm[1] !== url.hostname || Number(curlForm[2]) !== Number(url.port || 443))) {
    return fail(`--resolve=${args.resolve} names ${curlForm[1]}:${curlForm[2]}, but the URL is ${url.hostname}:${url.port || 443}`);
  }
  if (address !== undefined && isIP(address) === 0) return fail(`--resolve="${args.resolve}" does not end with an IP address`);
  if (args.cookie && args['cookie-file']) return fail('give --cookie or --cookie-file, not both');
  if ((args.cookie || args['cookie-file']) && args.login) return fail('give a session (--cookie, --cookie-file) or a login step (--login), not both');
  if (Boolean(args.login) !== Boolean(args['login-body'])) return fail('--login PATH and --login-body BODY go together: the POST the site\'s login page sends');
  if (args.login && !args.login.startsWith('/')) return fail(`--login="${args.login}" is not a path on the site: give e.g. /api/login`);
  const only = args.only?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !(checkIds as string[]).includes(id));
  if (unknown?.length) return fail(`--only names unknown check(s) ${unknown.join(', ')}: use ${checkIds.join(', ')}`);
  let ca: string | undefined;
  let cookie = args.cookie;
  try {
    if (args.ca) ca = readFileSync(args.ca, 'utf8');
    if (args['cookie-file']) cookie = readFileSync(args['cookie-file'], 'utf8').trim();
    if (args['login-body']?.startsWith('@')) args['login-body'] = readFileSync(args['login-body'].slice(1), 'utf8').trim();
  } catch (error) {
    return fail(`cannot read ${(error as NodeJS.ErrnoException).path ?? 'a file'}: ${(error as Error).message}`);
  }
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) return fail(`--ca ${args.ca} holds no PEM certificate`);

  const login: LoginStep | undefined = args.login
    ? { path: args.login, body: args['login-body']!, contentType: isJsonObject(args['login-body']!) ? 'application/json' : 'application/x-www-form-urlencoded' }
    : undefined;

  const label = url.host;
  const target: Target = {
    proxy: 'live',
    release: '',
    scenario: null,
    label,
    wsPath: url.pathname === '' ? '/' : url.pathname,
    appPort: 0,
    placeholders: {},
    configFile: url.href,
    renderedFile: url.href,
    changes: [],
    serverName: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    httpsPort: Number(url.port || 443),
    httpPort: 0,
    containerId: '',
    live: { ...(ca ? { ca } : {}), ...(address ? { address } : {}), ...(cookie ? { cookie } : {}), ...(login ? { login } : {}), idleMs },
  };

  const reports = args.out ? resolve(args.out) : mkdtempSync(join(tmpdir(), 'wspc-probe-'));
  mkdirSync(reports, { recursive: true });
  // A browser check's screenshot, trace and console go to this probe's report folder.
  process.env.WSPC_REPORTS_DIR = reports;
  const started = new Date();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let browser: ReturnType<typeof startLiveBrowser> | undefined;
  if (args.browser) {
    const problem = dockerEngineProblem();
    if (problem) {
      process.stderr.write(`wspc: --browser runs Chromium in Docker, and ${problem}: run "npm run setup"\n`);
      return 3;
    }
    configureTestcontainers();
    // Chromium trusts --ca the way Node does: the leaf it allows is the one verified against it here.
    const verified = ca ? (await tlsHandshake(target, ca)).verified : false;
    browser = startLiveBrowser(target, verified ? await peerLeafSpki(target) : undefined, say);
    const onSignal = () => {
      browser?.cleanup();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  if (login) {
    // The session the checks use comes from the login step; the login-route check judges the step itself.
    try {
      target.live!.cookie = (await loginWith(target, login, ca)).cookie;
      say(`[wspc] logged in: POST ${login.path} set a session cookie`);
    } catch (error) {
      say(`[wspc] the login step failed (${(error as Error).message}); the checks run without a session`);
    }
  }
  const session = target.live!.cookie ? (login ? ' with the session the login set' : ' with a session') : ' without a session (--cookie or --login)';
  say(`[wspc] probing ${url.href}${address ? ` at ${address}` : ''}${session}; a silent socket is watched ${args.idle}`);
  const cells: ChecklistJson['proxies'][string]['checks'] = {};
  for (const id of checkIds.filter((i) => !only || only.includes(i))) {
    const value = checks[id as CheckId];
    const why = notProbed(value, args.browser!);
    if (why) {
      cells[id] = { status: 'not run', detail: why };
      continue;
    }
    const begun = performance.now();
    const verdict = await runCheck(value.probe ?? value.run, target);
    const status = verdict.unproven ? 'not run' : verdict.pass ? 'pass' : 'fail';
    cells[id] = { status, detail: verdict.detail, ...(verdict.figure ? { figure: verdict.figure } : {}) };
    say(`[wspc ${String(Math.round((Date.now() - started.getTime()) / 1000)).padStart(3)} s] ${(verdict.unproven ? 'unproven' : status).padEnd(8)} ${id} (${((performance.now() - begun) / 1000).toFixed(1)} s)`);
  }

  if (browser) {
    await closeBrowsers();
    browser.cleanup();
  }

  const json: ChecklistJson = {
    schemaVersion: 1,
    tool: { name: 'wspc', version: toolVersion() },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    runtime: 'live',
    backend: 'none',
    proxies: { [label]: { config: url.href, rendered: url.href, changes: [], checks: cells } },
    catalog: [],
    controls: [],
    rejected: [],
  };
  const { markdown } = writeChecklistFiles(json, Object.keys(cells), reports);
  if (args.json === '-') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (args.json) writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
  if (args.markdown) writeFileSync(args.markdown, markdown);
  const stream = args.json === '-' ? process.stderr : process.stdout;
  const color = stream.isTTY === true && !process.env.NO_COLOR;
  stream.write(`\n${renderTerminal(json, color)}\n\n`);
  const entries = Object.entries(cells);
  for (const [id, cell] of entries.filter(([, c]) => c.status === 'fail')) {
    const info = checklistInfo[id as CheckId];
    stream.write(`FAIL ${id}: ${cell.detail}\n     checklist: ${info.requirement}; the guide's "${info.guideSection}" section\n`);
  }
  for (const [id, cell] of entries.filter(([, c]) => c.status === 'not run')) stream.write(`not run ${id}: ${cell.detail}\n`);
  const failed = entries.filter(([, c]) => c.status === 'fail').length;
  const passed = entries.filter(([, c]) => c.status === 'pass').length;
  stream.write(`\n${passed} passed, ${failed} failed, ${entries.length - passed - failed} not run\nReport: ${reports}\n`);
  return failed > 0 ? 1 : 0;
}
