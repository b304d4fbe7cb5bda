import { describe, expect, test } from 'vitest';
import { edgeChainsSelected, startEdgeChain } from '../fixtures/edge/chain.ts';
import { checkThroughEdge } from '../fixtures/edge/edge-checks.ts';
import { edgeColumn, recordEdgeVerdicts } from '../fixtures/edge/record.ts';

const DIAGNOSIS = 'guide: "Connection Fails Immediately" (400/403/502); enable WebSockets at the CDN ("Enable WebSocket in Cloudflare")';

describe.runIf(edgeChainsSelected())('edge with WebSockets switched off', () => {
  test('the handshake fails with 403 at the edge and never reaches the backend, while plain HTTPS still works', async () => {
    const chain = await startEdgeChain('websockets-off');
    try {
      const verdicts = await checkThroughEdge(chain.edge);
      const upgrade = verdicts.upgrade!;
      const detail = `${upgrade.detail} (${DIAGNOSIS})`;
      recordEdgeVerdicts(edgeColumn('full-strict'), 'websockets-off', chain, { upgrade: { ...upgrade, detail } });
      expect(upgrade.pass).toBe(false);
      expect(detail).toMatch(/handshake answered HTTP 403 instead of 101: WebSockets are disabled at the edge \(guide: "Connection Fails Immediately"/);
      expect(verdicts['upgrade-header']?.detail).toMatch(/never reached the backend \(client: HTTP 403 instead of 101/);
      // Login went through the same edge and origin: only the upgrade is refused.
      expect(verdicts['cookie-forwarded']?.detail).not.toMatch(/login through the proxy failed/);
    } catch (error) {
      throw new Error(`${String(error)}\n${await chain.logs()}`);
    } finally {
      await chain.stop();
    }
  });
});
