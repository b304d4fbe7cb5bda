import { idleTimeout24hCheck } from '../fixtures/checks/idle-timeout-24h.ts';
import { registerCheck } from '../fixtures/harness.ts';

// The check on every column. Its measurement's own tests on real proxies (a slow handshake, a busy
// main thread, a cut while a stalled path fills, a lost mark) are tests/meta/idle-measurement.test.ts.
registerCheck(idleTimeout24hCheck);
