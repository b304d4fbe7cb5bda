import { connectionHeaderCheck } from '../fixtures/checks/connection-header.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(connectionHeaderCheck);
