import { keepaliveCheck } from '../fixtures/checks/keepalive.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(keepaliveCheck);
