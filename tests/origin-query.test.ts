import { originQueryCheck } from '../fixtures/checks/origin-query.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(originQueryCheck);
