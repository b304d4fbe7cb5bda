import { idleTimeout24hCheck } from '../fixtures/checks/idle-timeout-24h.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(idleTimeout24hCheck);
