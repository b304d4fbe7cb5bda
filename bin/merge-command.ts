import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeChecklistFiles } from '../fixtures/report/checklist-report.ts';
import { mergeChecklists, mergeJunit, readShardChecklists } from '../fixtures/report/merge.ts';

export const mergeUsage = `Usage: wspc merge DIR [DIR ...] [--out DIR]

Merges the report folders of a sharded run (each shard: WSPC_REPORTS_DIR=DIR npx vitest run
--project checks --project meta --project timing --shard=i/n) into the checklist.json, .md and
junit.xml one unsharded run writes: each cell from the shard that ran it.

Options:
  --out DIR   where the merged reports go (default: reports)

Exit: 0 merged, the checklist passing; 1 merged, a check failed or a catalog entry was off; 2 bad
input (no folder with a checklist.json, shards of different wspc versions).`;

export function mergeCommand(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: 'reports' } } });
  } catch (error) {
    process.stderr.write(`wspc merge: ${(error as Error).message}\n\n${mergeUsage}\n`);
    return 2;
  }
  const dirs = parsed.positionals.map((d) => resolve(d));
  const { parts, without } = readShardChecklists(dirs);
  if (parts.length === 0) {
    process.stderr.write(`wspc merge: no checklist.json in ${dirs.join(', ') || '(no folder given)'}\n\n${mergeUsage}\n`);
    return 2;
  }
  for (const dir of without) process.stderr.write(`wspc merge: ${dir} has no checklist.json (a shard that ran no check): skipped\n`);
  let merged;
  try {
    merged = mergeChecklists(parts);
  } catch (error) {
    process.stderr.write(`wspc merge: ${(error as Error).message}\n`);
    return 2;
  }
  const out = resolve(parsed.values.out);
  mkdirSync(out, { recursive: true });
  const { markdown } = writeChecklistFiles(merged, undefined, out);
  mergeJunit(dirs.map((d) => join(d, 'junit.xml')), join(out, 'junit.xml'));
  process.stdout.write(`${markdown}\nMerged ${parts.length} shard(s) into ${out}/checklist.json, checklist.md and junit.xml\n`);
  return /checklist: \d+ passed, 0 failed/.test(markdown) ? 0 : 1;
}
