// `npm run test:shards -- [PROXIES]`: proves that a sharded run, merged, gives the checklist one
// unsharded run gives. Runs the checks and timing projects as shard 1/2, shard 2/2 and unsharded
// (narrowed to PROXIES, default nginx, to keep it to minutes), merges the shards with `wspc merge`
// and compares every cell's verdict and every catalog entry's failures. Prints the figures; exits 1
// on any difference.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChecklistJson } from '../fixtures/report/checklist-report.ts';

const proxies = process.argv[2] ?? 'nginx';
const root = join('reports', 'shards');
rmSync(root, { recursive: true, force: true });

function run(name: string, extra: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'checks', '--project', 'timing', '--reporter', 'dot', ...extra], {
    env: { ...process.env, WSPC_PROXIES: proxies, WSPC_REPORTS_DIR: join(root, name) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`[shards] ${name}: exit ${result.status}, ${seconds.toFixed(0)} s`);
  return result.status ?? 1;
}

const codes = [run('1', ['--shard=1/2']), run('2', ['--shard=2/2']), run('all', [])];
const merge = spawnSync(process.execPath, ['bin/wspc.js', 'merge', join(root, '1'), join(root, '2'), '--out', join(root, 'merged')], { stdio: ['ignore', 'ignore', 'inherit'] });
const read = (name: string) => JSON.parse(readFileSync(join(root, name, 'checklist.json'), 'utf8')) as ChecklistJson;
const [whole, merged] = [read('all'), read('merged')];

const differences: string[] = [];
let cells = 0;
for (const [label, column] of Object.entries(whole.proxies)) {
  for (const [id, cell] of Object.entries(column.checks)) {
    cells++;
    const other = merged.proxies[label]?.checks[id]?.status;
    if (other !== cell.status) differences.push(`${id} on ${label}: unsharded ${cell.status}, merged ${other ?? 'missing'}`);
  }
}
for (const label of Object.keys(merged.proxies)) if (!whole.proxies[label]) differences.push(`${label}: only in the merged report`);
for (const entry of whole.catalog) {
  const other = merged.catalog.find((c) => c.label === entry.label);
  const same = (a: string[] = [], b: string[] = []) => [...a].sort().join() === [...b].sort().join();
  if (!other || !same(entry.failed, other.failed) || !same(entry.notRun, other.notRun)) differences.push(`catalog ${entry.label}: unsharded failed [${entry.failed}], merged [${other?.failed ?? 'missing'}]`);
}
console.log(`[shards] WSPC_PROXIES=${proxies}: ${cells} cells and ${whole.catalog.length} catalog entries compared; merge exit ${merge.status}; run exits ${codes.join(', ')}`);
for (const d of differences) console.log(`[shards] DIFFERENT: ${d}`);
console.log(differences.length === 0 ? '[shards] the merged shards give the same checklist as the unsharded run' : `[shards] ${differences.length} difference(s)`);
process.exit(differences.length === 0 && codes.every((c) => c === 0) && merge.status === 0 ? 0 : 1);
