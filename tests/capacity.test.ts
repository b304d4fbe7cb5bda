import { capacityCheck } from '../fixtures/checks/capacity.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(capacityCheck);
