import { serverLogsCheck } from '../fixtures/checks/server-logs.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(serverLogsCheck);
