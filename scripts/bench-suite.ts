// `npm run bench:suite`: wall time of every phase of `npm test` (the version matrix in the catalog's) and of each column, so a
// regression shows. A benchmark that prints figures, not a timed test. Targets (issue 16, 2 cores,
// images cached): full `npm test` <= 5 min; `wspc check` on one config <= 20 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacityChecks, timedMeta, timingChecks, timingMeta } from '../vitest.config.ts';
import { VERDICT_VERB } from '../fixtures/report/verdict-name.ts';

interface VitestJson {
  startTime: number;
  success: boolean;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ title: string; duration: number | null; status: string }> }>;
}

const here = join(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'wspc-bench-suite-'));

/** Runs a command from the repository root; resolves with its wall seconds and exit code. */
function timed(label: string, command: string, args: string[], env: Record<string, string> = {}): Promise<{ label: string; seconds: number; code: number }> {
  process.stderr.write(`[bench:suite] ${label}: ${command} ${args.join(' ')}\n`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: here, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => resolve({ label, seconds: (performance.now() - started) / 1000, code: code ?? 1 }));
  });
}

const phases: Array<{ label: string; seconds: number; code: number; note?: string }> = [];
phases.push(await timed('typecheck', 'npx', ['tsc', '--noEmit']));
phases.push(await timed('lint', 'npx', ['eslint', '.']));
const json = join(out, 'vitest.json');
const suite = await timed('checks + meta + timing', 'npx', ['vitest', 'run', '--project', 'checks', '--project', 'meta', '--project', 'timing', '--project', 'meta-timing', '--project', 'capacity', '--reporter=json', `--outputFile=${json}`], {
  WSPC_REPORTS_DIR: join(out, 'reports'),
});
phases.push(suite);
phases.push(await timed('catalog and version matrix (wspc check end to end)', 'npx', ['vitest', 'run', '--project', 'catalog', '--project', 'catalog-alone'], { WSPC_REPORTS_DIR: join(out, 'catalog') }));
phases.push(await timed('timeout bench', 'npx', ['tsx', 'scripts/bench-timeouts.ts']));
phases.push(
  await timed('wspc check, one config', process.execPath, ['bin/wspc.js', 'check', '--proxy', 'nginx', '--config', 'proxies/nginx/inspect360.conf', '--json', join(out, 'one.json')]),
);

const report: VitestJson = JSON.parse(readFileSync(json, 'utf8'));
const isIn = (list: string[]) => (file: string) => list.some((t) => file.endsWith(t));
const isTiming = isIn([...timingChecks, ...timingMeta, ...timedMeta]);
const isCapacity = isIn(capacityChecks);
const span = (files: VitestJson['testResults']) =>
  files.length === 0 ? 0 : (Math.max(...files.map((f) => f.endTime)) - Math.min(...files.map((f) => f.startTime))) / 1000;
const first = Math.min(...report.testResults.map((f) => f.startTime));
const byPhase = {
  'setup (images, certificates, every column started)': (first - report.startTime) / 1000,
  'checks + meta (every column at once)': span(report.testResults.filter((f) => !isTiming(f.name) && !isCapacity(f.name))),
  'timing checks (waits of every column at once)': span(report.testResults.filter((f) => isTiming(f.name))),
  // Last and alone (vitest.config.ts): counted with the checks, their span ran to the end of the run.
  'capacity (thousands of sockets a column)': span(report.testResults.filter((f) => isCapacity(f.name))),
};

console.log('\nphase                                              wall      exit');
for (const p of phases) {
  console.log(`${p.label.padEnd(50)} ${`${p.seconds.toFixed(1)} s`.padStart(8)}  ${p.code}`);
  if (p === suite) for (const [name, seconds] of Object.entries(byPhase)) console.log(`  ${name.padEnd(48)} ${`${seconds.toFixed(1)} s`.padStart(8)}`);
}
const npmTest = phases.filter((p) => p.label !== 'wspc check, one config').reduce((sum, p) => sum + p.seconds, 0);
console.log(`${'npm test (the phases above but the last)'.padEnd(50)} ${`${npmTest.toFixed(1)} s`.padStart(8)}   target <= 300 s`);

// Per column: its tests' summed duration and its slowest check; a column is the label after "on"/"flags".
const columns = new Map<string, { total: number; slowest: { check: string; ms: number } }>();
for (const file of report.testResults) {
  for (const test of file.assertionResults) {
    const match = new RegExp(`^(\\S+) ${VERDICT_VERB} (\\S+)$`).exec(test.title);
    if (!match || test.duration === null) continue;
    const [, check, label] = match as unknown as [string, string, string];
    const entry = columns.get(label) ?? { total: 0, slowest: { check: '', ms: 0 } };
    entry.total += test.duration;
    if (test.duration > entry.slowest.ms) entry.slowest = { check, ms: test.duration };
    columns.set(label, entry);
  }
}
console.log('\ncolumn                                          checks summed   slowest check');
for (const [label, c] of [...columns].sort((a, b) => b[1].total - a[1].total)) {
  console.log(`${label.padEnd(48)} ${`${(c.total / 1000).toFixed(1)} s`.padStart(12)}   ${c.slowest.check} ${(c.slowest.ms / 1000).toFixed(1)} s`);
}
process.exit(phases.every((p) => p.code === 0) ? 0 : 1);
