// `npm run test:matrix`: the shipped configs' checklist on every proxy at every Debian release it is
// built for (fixtures/proxies/<proxy>.ts `releases`), in one `wspc check` run with one column per
// proxy@version. Prints one table (rows: checks; columns: proxy@version with the exact version that
// ran) and writes it to reports/matrix/matrix.md beside the full report. Every cell must pass but
// the known findings below (expected vs observed): exit 0 when each cell is what is expected, 1
// when one is not, 3 when no report came out. Optional arguments narrow it:
// `npm run test:matrix -- nginx haproxy@bullseye`.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { proxies, proxyBuild } from '../fixtures/proxies/index.ts';
import type { ChecklistJson } from '../fixtures/report/checklist-report.ts';
import { shortVersion } from '../fixtures/proxies/versions.ts';
import { settings } from '../fixtures/settings.ts';

const root = join(import.meta.dirname, '..');

/**
 * Cells that do not pass, each a finding README's "Proxy versions" explains. Every other cell of
 * every column must pass.
 */
const KNOWN: Record<string, { rejected: RegExp }> = {
  // HAProxy 2.2 predates WebSocket over HTTP/2 (2.4) and refuses the keyword that turns it off.
  'haproxy@2.2': { rejected: /unknown keyword 'h2-workaround-bogus-websocket-clients' in 'global' section/ },
};
const out = join(root, 'reports', 'matrix');
mkdirSync(out, { recursive: true });

/** Column names: proxy@version where the version names one release, else proxy@release. */
function matrixBuilds(): string[] {
  // Arguments, else WSPC_PROXIES (a narrowed npm test narrows its matrix too), else every build.
  const wanted = process.argv.length > 2 ? process.argv.slice(2) : settings.narrowed() ? settings.proxies([]).filter((n) => n !== 'iis') : [];
  const all = Object.values(proxies).flatMap((d) =>
    Object.entries(d.releases).map(([release, version]) =>
      Object.values(d.releases).filter((v) => v === version).length === 1 ? `${d.name}@${version}` : `${d.name}@${release}`,
    ),
  );
  if (wanted.length === 0) return all;
  // A bare proxy name wants all its builds; a version or release wants the build it names.
  const names = (w: string, name: string) => {
    if (!w.includes('@')) return name.split('@')[0] === w;
    const [a, b] = [proxyBuild(w), proxyBuild(name)];
    return a.definition === b.definition && a.release === b.release;
  };
  return all.filter((name) => wanted.some((w) => names(w, name)));
}

const builds = matrixBuilds();
const args = ['bin/wspc.js', 'check', '--keep-going', '--json', join(out, 'checklist.json'), '--markdown', join(out, 'checklist.md')];
for (const name of builds) args.push('--proxy', name, '--config', proxyBuild(name).definition.configFile);
process.stderr.write(`[matrix] ${builds.length} columns: ${builds.join(', ')}\n`);
const started = performance.now();
const exit = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('close', (code) => resolve(code ?? 1));
});
const seconds = (performance.now() - started) / 1000;

let json: ChecklistJson;
try {
  json = JSON.parse(readFileSync(join(out, 'checklist.json'), 'utf8')) as ChecklistJson;
} catch {
  process.stderr.write(`[matrix] no report: wspc check exited ${exit} (see above)\n`);
  process.exit(exit || 3);
}
const columns = builds.filter((b) => json.proxies[b] || json.rejected.some((r) => r.label === b));
const ids = [...new Set(columns.flatMap((c) => Object.keys(json.proxies[c]?.checks ?? {})))];
const rejectedBy = (c: string) => json.rejected.find((r) => r.label === c);
const mark = (c: string, id: string) => {
  if (rejectedBy(c)) return 'rejected';
  const cell = json.proxies[c]!.checks[id];
  return !cell ? '-' : cell.status === 'pass' ? 'pass' : cell.status === 'fail' ? '**FAIL**' : 'not run';
};
const ran = (c: string) => json.proxies[c] ?? rejectedBy(c)!;
const lines = [
  `Shipped configs on every proxy version (npm run test:matrix, ${new Date().toISOString().slice(0, 10)}, ${seconds.toFixed(0)} s on this machine)`,
  '',
  `| check | ${columns.join(' | ')} |`,
  `| --- | ${columns.map(() => '---').join(' | ')} |`,
  `| version that ran | ${columns.map((c) => `${shortVersion(ran(c).version) ?? '?'} (${ran(c).release})`).join(' | ')} |`,
  ...ids.map((id) => `| ${id} | ${columns.map((c) => mark(c, id)).join(' | ')} |`),
  '',
];
const failures = [
  ...json.rejected.map((r) => `- **${r.label}** rejected its config: ${r.message.split('\n').find((l) => /ALERT|emerg|Error|error/.test(l))?.trim() ?? r.message.split('\n')[0]}`),
  ...columns.flatMap((c) => Object.entries(json.proxies[c]?.checks ?? {}).filter(([, cell]) => cell.status === 'fail').map(([id, cell]) => `- **${id}** on ${c}: ${cell.detail}`)),
];
if (failures.length > 0) lines.push('Failures:', '', ...failures, '');
writeFileSync(join(out, 'matrix.md'), `${lines.join('\n')}\n`);
process.stdout.write(`\n${lines.join('\n')}\nFull report: reports/matrix/checklist.md; this table: reports/matrix/matrix.md\n`);

// Expected vs observed, cell by cell.
// Written to reports/matrix/unexpected.json as well, for the soak to count cells by name.
const unexpected: Array<{ cell: string; why: string }> = [];
for (const c of builds) {
  const known = KNOWN[c];
  const rejected = rejectedBy(c);
  if (known) {
    if (!rejected) unexpected.push({ cell: c, why: `expected its proxy to reject the config (${known.rejected.source}); it ran` });
    else if (!known.rejected.test(rejected.message)) unexpected.push({ cell: c, why: `rejected, but not as expected (${known.rejected.source}): ${rejected.message.split('\n')[0]}` });
    continue;
  }
  if (rejected) unexpected.push({ cell: c, why: `its proxy rejected the config: ${rejected.message.split('\n')[0]}` });
  else if (!json.proxies[c]) unexpected.push({ cell: c, why: 'no column in the report' });
  else for (const id of ids) if (json.proxies[c]!.checks[id]?.status !== 'pass') unexpected.push({ cell: `${c} ${id}`, why: `${json.proxies[c]!.checks[id]?.status ?? 'missing'} ${json.proxies[c]!.checks[id]?.detail ?? ''}` });
}
writeFileSync(join(out, 'unexpected.json'), `${JSON.stringify(unexpected, null, 2)}\n`);
if (unexpected.length > 0) {
  process.stdout.write(`\n[matrix] ${unexpected.length} cell(s) not as expected:\n${unexpected.map((u) => `  ${u.cell}: ${u.why}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`\n[matrix] every cell as expected: ${columns.length - Object.keys(KNOWN).filter((k) => columns.includes(k)).length} columns pass every check; known findings: ${Object.keys(KNOWN).filter((k) => columns.includes(k)).join(', ') || 'none'}\n`);
process.exit(0);
