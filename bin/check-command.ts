import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunCertificates } from '../fixtures/certs.ts';
import { repoRoot } from '../fixtures/lab/paths.ts';
import { AdaptationError } from '../fixtures/proxies/adapt.ts';
import { BadProxyName, proxies, proxyBuild, releaseForConfig } from '../fixtures/proxies/index.ts';
import { readIncluded, renderConfig } from '../fixtures/proxies/render.ts';
import { parseScale } from '../fixtures/proxies/timeouts/scale.ts';
import { SETUP_ADVICE } from '../fixtures/runtime/types.ts';
import { renderTerminal, type ChecklistJson } from '../fixtures/report/checklist-report.ts';
import { checkIds } from '../fixtures/checklist.ts';
import { isFinding } from '../fixtures/report/findings.ts';
import { describeDiagnosis } from '../fixtures/diagnosis/diagnose.ts';
import { reportToGitHub } from '../fixtures/report/github.ts';
import { checkWebConfig } from './iis-command.ts';
import { MAX_CONNECTIONS, type TargetSetting } from '../fixtures/settings.ts';
import { VERDICT_VERB } from '../fixtures/report/verdict-name.ts';

/** A line as listed on the terminal: an included file inlined on one line is long; the report has it whole. */
const clip = (line: string) => (line.length > 140 ? `${line.slice(0, 137)}...` : line);

const BAD_INPUT = 2;
const ENVIRONMENT = 3;
const fail = (code: number, message: string) => {
  process.stderr.write(`wspc: ${message}\n`);
  return code;
};

/**
 * `--proxy` names the proxy of the `--config`s after it: `--proxy nginx --config a --config b
 * --proxy caddy --config c` checks three configs as three columns of one run. A version or Debian
 * release picks the binary: `--proxy nginx@1.30`, `--proxy haproxy@bullseye`.
 */
function pairConfigs(tokens: Array<{ kind: string; name?: string; value?: string }>): Array<{ proxy: string | undefined; config: string }> {
  let proxy: string | undefined;
  const pairs: Array<{ proxy: string | undefined; config: string }> = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'proxy') proxy = token.value;
    if (token.name === 'config') pairs.push({ proxy, config: token.value! });
  }
  return pairs;
}

export async function checkCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      tokens: true,
      options: {
        proxy: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        path: { type: 'string', default: '/ws' },
        'backend-port': { type: 'string', default: '5000' },
        'time-scale': { type: 'string' },
        json: { type: 'string' },
        markdown: { type: 'string' },
        'strict-backend': { type: 'boolean', default: false },
        set: { type: 'string', multiple: true, default: [] },
        'keep-going': { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        include: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        only: { type: 'string' },
        connections: { type: 'string' },
      },
    });
  } catch (error) {
    return fail(BAD_INPUT, (error as Error).message);
  }
  const args = parsed.values;
  const pairs = pairConfigs(parsed.tokens ?? []);
  if (pairs.length === 0) return fail(BAD_INPUT, '--config PATH is required');
  for (const { proxy } of pairs) {
    if (!proxy || (!proxies[proxy.split('@')[0]!] && proxy !== 'iis')) {
      return fail(BAD_INPUT, `--proxy (before each --config) must be one of ${[...Object.keys(proxies), 'iis'].join(', ')}, optionally with a version (nginx@1.30)${proxy ? ` (got "${proxy}")` : ''}`);
    }
    if (proxy === 'iis') continue;
    try {
      proxyBuild(proxy);
    } catch (error) {
      if (error instanceof BadProxyName) return fail(BAD_INPUT, `--proxy ${proxy}: ${error.message}`);
      throw error;
    }
  }
  const configs: Array<{ proxy: string; config: string; text: string; dir?: string }> = [];
  for (const { proxy, config } of pairs) {
    try {
      // A configuration directory (a copy of /etc/nginx or /etc/apache2): its main file runs, with the files it includes.
      if (statSync(resolve(config)).isDirectory()) {
        const definition = proxy === 'iis' ? undefined : proxyBuild(proxy!).definition;
        const root = definition?.includes?.inlinedFrom;
        const mainFile = definition?.includes?.mainFile;
        if (!root || !mainFile) return fail(BAD_INPUT, `${config} is a directory: a whole configuration directory is read for nginx (a copy of /etc/nginx), Apache (/etc/apache2) and Caddy (/etc/caddy); for ${proxy} give the config file itself, with --include for the files it includes`);
        const main = join(resolve(config), mainFile);
        if (!existsSync(main)) return fail(BAD_INPUT, `${config} is a directory without ${mainFile}: give the directory that holds it (a copy of ${root}), or the site file with --include for what it includes`);
        configs.push({ proxy: proxy!, config: join(config, mainFile), text: readFileSync(main, 'utf8'), dir: resolve(config) });
        continue;
      }
      configs.push({ proxy: proxy!, config, text: readFileSync(resolve(config), 'utf8') });
    } catch (error) {
      return fail(BAD_INPUT, `cannot read ${config}: ${(error as Error).message}`);
    }
  }
  const appPort = Number(args['backend-port']);
  if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65535) return fail(BAD_INPUT, `--backend-port must be a port number (got "${args['backend-port']}")`);
  if (!args.path.startsWith('/')) return fail(BAD_INPUT, `--path must start with / (got "${args.path}")`);
  if (args['time-scale'] !== undefined) {
    try {
      parseScale(args['time-scale'], '--time-scale');
    } catch (error) {
      return fail(BAD_INPUT, (error as Error).message);
    }
  }
  const placeholders: Record<string, string> = {};
  for (const pair of args.set) {
    const at = pair.indexOf('=');
    if (at < 1) return fail(BAD_INPUT, `--set takes NAME=VALUE (got "${pair}")`);
    placeholders[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const only = args.only?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !(checkIds as string[]).includes(id)) ?? [];
  if (only && (only.length === 0 || unknown.length > 0)) return fail(BAD_INPUT, `--only takes check ids, comma-separated${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}: ${checkIds.join(', ')}`);
  const connections = args.connections === undefined ? undefined : Number(args.connections);
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1 || connections > MAX_CONNECTIONS)) {
    return fail(BAD_INPUT, `--connections takes the number of sockets to hold at once, from 1 to ${MAX_CONNECTIONS} (got "${args.connections}")`);
  }
  const includes = args.include.map((f) => resolve(f));
  for (const file of includes) {
    if (!existsSync(file)) return fail(BAD_INPUT, `--include ${file}: no such file`);
  }
  if (configs.some((c) => c.proxy === 'iis')) {
    if (configs.length > 1) return fail(BAD_INPUT, 'an IIS web.config is validated as a file: check it on its own (one --proxy iis --config PATH)');
    return checkWebConfig(configs[0]!.config, configs[0]!.text, appPort, { json: args.json, markdown: args.markdown });
  }

  // Adapt each up front: a config that cannot be adapted is bad input, reported before Docker starts.
  const includesOf = (dir: string | undefined) => [...includes, ...(dir ? [dir] : [])];
  for (const { proxy, config, text, dir } of configs) {
    try {
      const build = proxyBuild(proxy);
      const included = readIncluded(includesOf(dir), process.cwd(), build.definition.includes?.inlinedFrom);
      const preview = renderConfig(build.definition, text, { backendHost: 'backend', backendPort: 1, certs: {} as RunCertificates, appPort, file: config, placeholders, included });
      // The release it will run on, where the config needs another than the default (the global setup decides the same way).
      const release = proxy.includes('@') ? undefined : releaseForConfig(build.definition, text).change;
      const listed = [...(release ? [release] : []), ...preview.changes].map((c) => `  line ${c.line}${c.from ? ` (${c.from.file}:${c.from.line})` : ''}: ${clip(c.before || c.after)}  (${c.why})`).join('\n');
      process.stderr.write(`wspc: adapting ${config} for the test run (the full list is in the report):\n${listed}\n`);
    } catch (error) {
      if (error instanceof AdaptationError) return fail(BAD_INPUT, `cannot adapt ${configs.length > 1 ? `${config}: ` : 'the config: '}${error.message}`);
      throw error;
    }
  }

  const reports = args.out ? resolve(args.out) : mkdtempSync(join(tmpdir(), 'wspc-'));
  mkdirSync(reports, { recursive: true });
  const targets: TargetSetting[] = configs.map(({ proxy, config, dir }) => ({ proxy, config: resolve(config), wsPath: args.path, appPort, placeholders, ...(includesOf(dir).length ? { includes: includesOf(dir) } : {}) }));
  const exit = await runSuite({
    WSPC_TARGETS: JSON.stringify(targets),
    WSPC_REPORTS_DIR: reports,
    ...(args['time-scale'] ? { WSPC_TIME_SCALE: args['time-scale'] } : {}),
    ...(args['strict-backend'] ? { WSPC_BACKEND: 'strict' } : {}),
    ...(args['keep-going'] ? { WSPC_KEEP_GOING: '1' } : {}),
    ...(args.strict ? { WSPC_STRICT: '1' } : {}),
    ...(connections ? { WSPC_CONNECTIONS: String(connections) } : {}),
  }, only);

  const setupError = join(reports, 'setup-error.json');
  if (existsSync(setupError)) {
    const { badInput, message } = JSON.parse(readFileSync(setupError, 'utf8')) as { badInput: boolean; message: string };
    return fail(badInput ? BAD_INPUT : ENVIRONMENT, badInput ? `${message}\nWhat to do: ${SETUP_ADVICE}` : message);
  }
  const jsonFile = join(reports, 'checklist.json');
  if (!existsSync(jsonFile)) return fail(ENVIRONMENT, `the suite stopped (exit ${exit}) without a report; see its output above`);
  const checklist = JSON.parse(readFileSync(jsonFile, 'utf8')) as ChecklistJson;
  const markdown = readFileSync(join(reports, 'checklist.md'), 'utf8');
  // `--json -`: the JSON on stdout, for a pipe; the human-readable output then goes to stderr.
  if (args.json === '-') process.stdout.write(readFileSync(jsonFile, 'utf8'));
  else if (args.json) writeFileSync(args.json, readFileSync(jsonFile));
  const stream = args.json === '-' ? process.stderr : process.stdout;
  const say = (text: string) => stream.write(text);
  const color = stream.isTTY === true && !process.env.NO_COLOR;
  if (args.markdown) writeFileSync(args.markdown, markdown);
  reportToGitHub(checklist, markdown);

  const columns = Object.entries(checklist.proxies);
  const cells = columns.flatMap(([label, p]) => Object.entries(p.checks).filter(([id]) => !only || only.includes(id)).map(([id, cell]) => ({ label, config: p.config, id, cell })));
  // Beyond the guide's checklist (transparency, security) a failure is a finding unless --strict.
  const failed = cells.filter(({ id, config, cell }) => cell.status === 'fail' && !isFinding(id, config, args.strict));
  const findings = cells.filter(({ cell }) => cell.status === 'fail').filter((c) => !failed.includes(c));
  say(`\nBackend: ${checklist.backend}. Runtime: ${checklist.runtime}.\n\n${renderTerminal(checklist, color, only)}\n\n`);
  for (const [word, list] of [['FAIL', failed], ['FINDING', findings]] as const) {
    for (const { label, config, id, cell } of list) {
      const given = configs.find((c) => resolve(c.config) === config)?.config ?? config;
      say(`${word} ${id}${columns.length > 1 ? ` on ${label}` : ''}: ${cell.detail}\n     ${cell.diagnosis ? describeDiagnosis(cell.diagnosis, given) : ''}\n`);
    }
  }
  for (const r of checklist.rejected) say(`REJECTED ${r.label} (${r.version}): ${r.message}\n`);
  const notRun = cells.filter(({ cell }) => cell.status === 'not run').map(({ label, id }) => (columns.length > 1 ? `${id} on ${label}` : id));
  if (notRun.length > 0) say(`not run: ${notRun.join(', ')}\n`);
  const rejected = checklist.rejected.length ? `, ${checklist.rejected.length} column(s) rejected by their proxy` : '';
  const found = findings.length ? `, ${findings.length} finding(s) beyond the checklist (--strict makes them failures)` : '';
  say(`\n${cells.length - failed.length - findings.length - notRun.length} passed, ${failed.length} failed${found}${rejected}\nFull report and diagnostics: ${reports}\n`);
  if (failed.length > 0 || checklist.rejected.length > 0) return 1;
  if (exit !== 0 || notRun.length > 0) return fail(ENVIRONMENT, `the suite exited with ${exit}; see its output above`);
  return 0;
}

/** Runs the test suite against the given config; its progress goes to stderr. */
function runSuite(env: Record<string, string> & { WSPC_REPORTS_DIR: string }, only?: string[]): Promise<number> {
  const vitest = join(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs');
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [vitest, 'run', '--root', repoRoot, '--reporter', join(repoRoot, 'fixtures', 'report', 'progress-reporter.ts'), '--reporter', 'junit', `--outputFile.junit=${join(env.WSPC_REPORTS_DIR, 'junit.xml')}`, '--project', 'checks', '--project', 'timing', ...(env.WSPC_CONNECTIONS ? ['--project', 'capacity'] : []), ...(only ? ['--testNamePattern', `(^| )(${only.join('|')}) ${VERDICT_VERB} `] : [])], {
      cwd: repoRoot,
      // The inner run's own GitHub reporting is off: this command reports once, on its stdout.
      env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env },
      stdio: ['ignore', process.stderr, process.stderr],
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('close', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(code ?? 1);
    });
  });
}
