import { messageFlowCheck } from '../fixtures/checks/message-flow.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(messageFlowCheck);
