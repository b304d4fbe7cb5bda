import { noBufferingCheck } from '../fixtures/checks/no-buffering.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(noBufferingCheck);
