import { upgradeSmugglingCheck } from '../fixtures/checks/upgrade-smuggling.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(upgradeSmugglingCheck);
