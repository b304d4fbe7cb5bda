import { h2cSmugglingCheck } from '../fixtures/checks/h2c-smuggling.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(h2cSmugglingCheck);
