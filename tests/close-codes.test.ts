import { closeCodesCheck } from '../fixtures/checks/close-codes.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(closeCodesCheck);
