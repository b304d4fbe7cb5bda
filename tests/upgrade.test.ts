import { upgradeCheck } from '../fixtures/checks/upgrade.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(upgradeCheck);
