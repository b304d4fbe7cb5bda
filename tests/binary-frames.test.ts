import { binaryFramesCheck } from '../fixtures/checks/binary-frames.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(binaryFramesCheck);
