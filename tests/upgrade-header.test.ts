import { upgradeHeaderCheck } from '../fixtures/checks/upgrade-header.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(upgradeHeaderCheck);
