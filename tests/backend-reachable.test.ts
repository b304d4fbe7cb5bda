import { backendReachableCheck } from '../fixtures/checks/backend-reachable.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(backendReachableCheck);
