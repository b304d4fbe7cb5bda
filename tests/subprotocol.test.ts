import { subprotocolCheck } from '../fixtures/checks/subprotocol.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(subprotocolCheck);
