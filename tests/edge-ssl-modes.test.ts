import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { edgeChainsSelected, startEdgeChain, type EdgeChain, type EdgeMode } from '../fixtures/edge/chain.ts';
import { checkThroughEdge, EDGE_CHECKS, type EdgeVerdicts } from '../fixtures/edge/edge-checks.ts';
import { edgeColumn, recordEdgeVerdicts } from '../fixtures/edge/record.ts';
import { outcome } from '../fixtures/check.ts';
import { scenarioFile } from '../fixtures/lab/lab.ts';
import { repoRoot } from '../fixtures/lab/paths.ts';

/**
 * The guide's CDN SSL/TLS modes, with Caddy standing in for the CDN edge in front of the shipped
 * nginx origin: "Full" and "Full (strict)" carry WebSockets; "Flexible" must not be used.
 */
const FLEXIBLE = 'the guide: "Do not use Flexible mode for WebSocket connections"';

const failed = (verdicts: EdgeVerdicts) => Object.entries(verdicts).filter(([, v]) => !v.pass).map(([id, v]) => `${id}: ${v.detail}`);

async function withChain<T>(mode: EdgeMode, run: (chain: EdgeChain) => Promise<T>, originConfig?: string): Promise<T> {
  const chain = await startEdgeChain(mode, originConfig);
  try {
    return await run(chain);
  } catch (error) {
    throw new Error(`${String(error)}\n${await chain.logs()}`);
  } finally {
    await chain.stop();
  }
}

describe.runIf(edgeChainsSelected())('edge SSL/TLS modes: client -> CDN edge -> nginx origin -> backend', () => {
  for (const [mode, name] of [['full-strict', 'Full (strict)'], ['full', 'Full']] as const) {
    test(`"${name}" passes ${EDGE_CHECKS.join(', ')}`, () =>
      withChain(mode, async (chain) => {
        const verdicts = await checkThroughEdge(chain.edge);
        recordEdgeVerdicts(edgeColumn(mode), null, chain, verdicts);
        expect(failed(verdicts), `"${name}" failed through ${chain.edge.configFile}`).toEqual([]);
        expect(Object.keys(verdicts).sort()).toEqual([...EDGE_CHECKS].sort());
      }));
  }

  test('"Flexible" is flagged: the origin redirects the edge\'s plain-HTTP request to https, so the handshake gets 301', () =>
    withChain('flexible', async (chain) => {
      const verdicts = await checkThroughEdge(chain.edge);
      for (const [id, verdict] of Object.entries(verdicts)) {
        (verdicts as Record<string, typeof verdict>)[id] = { ...verdict, detail: `Flexible mode (${FLEXIBLE}): ${verdict.detail}` };
      }
      recordEdgeVerdicts(edgeColumn('flexible'), null, chain, verdicts);
      expect(Object.values(verdicts).every((v) => !v.pass), 'a check passed through a Flexible edge').toBe(true);
      expect(verdicts.upgrade?.detail).toMatch(/handshake answered HTTP 301 \(Location: https:\/\/portal\.inspect360\.ai\/ws\?probe=/);
      expect(verdicts['cookie-forwarded']?.detail).toMatch(/never reached the backend .*login through the proxy failed: .*answered 301/);
    }));

  test('"Flexible" in front of an origin serving plain HTTP: the socket opens, but the backend sees X-Forwarded-Proto http', () =>
    withChain(
      'flexible',
      async (chain) => {
        const verdicts = await checkThroughEdge(chain.edge);
        const forwarded = verdicts['forwarded-headers']!;
        recordEdgeVerdicts(edgeColumn('flexible'), 'http-origin', chain, { 'forwarded-headers': { ...forwarded, detail: `Flexible mode (${FLEXIBLE}): ${forwarded.detail}` } });
        expect(verdicts.upgrade?.pass, verdicts.upgrade?.detail).toBe(true);
        expect(forwarded.pass).toBe(false);
        expect(forwarded.detail).toMatch(/X-Forwarded-Proto is http, not https/);
      },
      join(repoRoot, 'proxies/edge/origins/http-origin.conf'),
    ));

  test('"Full (strict)" refuses an origin whose certificate the CA did not sign (502); "Full" accepts it', async () => {
    const snakeoil = scenarioFile('nginx', 'snakeoil-certificate');
    const strict = await withChain('full-strict', (chain) => checkThroughEdge(chain.edge).then((v) => ({ chain, v })), snakeoil);
    const upgrade = strict.v.upgrade ?? outcome.fail('upgrade was not checked');
    recordEdgeVerdicts(edgeColumn('full-strict'), 'origin-snakeoil-certificate', strict.chain, { upgrade: { ...upgrade, detail: `the edge verified the origin's certificate and refused it: ${upgrade.detail}` } });
    expect(upgrade.pass).toBe(false);
    expect(upgrade.detail).toMatch(/handshake answered HTTP 502/);
    const lenient = await withChain('full', (chain) => checkThroughEdge(chain.edge), snakeoil);
    expect(lenient.upgrade?.pass, lenient.upgrade?.detail).toBe(true);
  });
});
