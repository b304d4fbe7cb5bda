import { describe, expect, test } from 'vitest';
import { edgeChainsSelected, edgeConfigFile, type EdgeMode } from '../fixtures/edge/chain.ts';
import { edgeStarter } from '../fixtures/edge/edge-starter.ts';
import { edgeColumn, recordEdgeVerdicts } from '../fixtures/edge/record.ts';
import { checkKeepalive, KEEPALIVE_SCALE, type IdleLimit } from '../fixtures/timeouts/keepalive-check.ts';

/** Cloudflare closes a WebSocket idle for 100 s; the edge stand-in does the same (read_timeout 100s). */
const EDGE_LIMIT: IdleLimit = { nominalMs: 100_000, owner: "the edge's" };

async function keepaliveThroughEdge(mode: EdgeMode) {
  const starter = edgeStarter(mode);
  const result = await checkKeepalive(starter, 'edge', edgeConfigFile(mode), mode, EDGE_LIMIT);
  return { result, chain: starter.chains[0] };
}

describe.runIf(edgeChainsSelected())(`keepalive through the CDN edge's idle limit (time-scaled 1:${KEEPALIVE_SCALE})`, () => {
  test("\"Full (strict)\": the backend's pings keep a silent socket open past the edge's 100 s limit; without them it drops there", async () => {
    const { result, chain } = await keepaliveThroughEdge('full-strict');
    if (chain) recordEdgeVerdicts(edgeColumn('full-strict'), null, chain, { keepalive: result });
    expect(result.pass, result.detail).toBe(true);
    expect(result.detail).toMatch(/without pings it dropped after (8\d|9\d|1[01]\d)(\.\d+)? s/);
  });

  test('an edge whose idle limit (20 s) is shorter than the ping interval is flagged', async () => {
    const { result, chain } = await keepaliveThroughEdge('idle-limit-20s');
    if (chain) recordEdgeVerdicts(edgeColumn('full-strict'), 'idle-limit-20s', chain, { keepalive: result });
    expect(result.pass).toBe(false);
    expect(result.detail).toMatch(/still dropped after .*idle limit 20 s .*shorter than the ping interval/);
  });
});
