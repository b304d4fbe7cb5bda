import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeChecklistFiles, type ChecklistJson } from '../../fixtures/report/checklist-report.ts';
import { mergeChecklists } from '../../fixtures/report/merge.ts';
import { checklistSchemaErrors } from '../../fixtures/report/schema.ts';

// The merge's rules on two shards' reports; scripts/shards.ts compares a real sharded run with an unsharded one.
const shard = (over: Partial<ChecklistJson>): ChecklistJson => ({
  schemaVersion: 1,
  tool: { name: 'wspc', version: '0.1.0' },
  startedAt: '2026-12-01T06:00:00.000Z',
  finishedAt: '2026-12-01T06:01:00.000Z',
  runtime: 'docker',
  backend: 'default',
  proxies: {},
  catalog: [],
  controls: [],
  rejected: [],
  ...over,
});
const column = (checks: Record<string, 'pass' | 'fail' | 'not run'>) => ({
  config: 'proxies/nginx/inspect360.conf',
  rendered: 'reports/configs/nginx.conf',
  changes: [],
  checks: Object.fromEntries(Object.entries(checks).map(([id, status]) => [id, { status, detail: status === 'not run' ? '' : `${id} ${status}` }])),
});

describe('wspc merge: the shards of one run make its checklist', () => {
  test('each cell from the shard that ran it; catalog failures joined; not run only where no shard ran it', () => {
    const a = shard({
      proxies: { nginx: column({ upgrade: 'pass', http11: 'not run' }) },
      catalog: [{ label: 'nginx/http10', config: 'x', mustFail: ['http11'], failed: [], notRun: ['http11', 'keepalive'], release: 'bookworm' }],
    });
    const b = shard({
      startedAt: '2026-12-01T05:59:00.000Z',
      finishedAt: '2026-12-01T06:02:00.000Z',
      proxies: { nginx: column({ upgrade: 'not run', http11: 'fail' }) },
      catalog: [{ label: 'nginx/http10', config: 'x', mustFail: ['http11'], failed: ['http11'], notRun: ['upgrade', 'keepalive'], release: 'bookworm' }],
    });
    const merged = mergeChecklists([a, b]);
    expect(Object.fromEntries(Object.entries(merged.proxies.nginx!.checks).map(([id, c]) => [id, c.status]))).toEqual({ upgrade: 'pass', http11: 'fail' });
    expect(merged.catalog[0]).toMatchObject({ failed: ['http11'], notRun: ['keepalive'] });
    expect([merged.startedAt, merged.finishedAt]).toEqual(['2026-12-01T05:59:00.000Z', '2026-12-01T06:02:00.000Z']);
    expect(checklistSchemaErrors(merged)).toEqual([]);
  });

  test("a catalog entry's verdicts off its declaration keep what the check saw, and end the summary", () => {
    const entry = { label: 'apache/timeout-5s', config: 'proxies/apache/scenarios/timeout-5s.conf', mustFail: ['keepalive', 'browser'], notRun: [], release: 'bookworm' };
    const a = shard({ catalog: [{ ...entry, failed: ['keepalive', 'upgrade'], off: [{ check: 'upgrade', status: 'fail', detail: 'handshake answered HTTP 502 instead of 101' }] }] });
    const b = shard({ catalog: [{ ...entry, failed: [], off: [{ check: 'browser', status: 'pass', detail: 'opened and received' }] }] });
    const merged = mergeChecklists([a, b]);
    expect(merged.catalog[0]!.off?.map((o) => o.check)).toEqual(['upgrade', 'browser']);
    expect(checklistSchemaErrors(merged)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'wspc-summary-'));
    try {
      const { markdown, summary } = writeChecklistFiles(merged, undefined, dir);
      expect(markdown.endsWith(summary)).toBe(true);
      expect(summary).toMatch(/^## Failures\n\n- \*\*upgrade\*\* on apache\/timeout-5s \(catalog; not declared in its # Fails:\): handshake answered HTTP 502 instead of 101\n- \*\*browser\*\* on apache\/timeout-5s \(catalog; declared in its # Fails:, not flagged\): opened and received\n/);
      expect(summary).toMatch(/checklist: 0 passed, 1 failed\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('shards of different versions are refused', () => {
    expect(() => mergeChecklists([shard({}), shard({ tool: { name: 'wspc', version: '0.2.0' } })])).toThrow(/different wspc versions/);
  });
});
