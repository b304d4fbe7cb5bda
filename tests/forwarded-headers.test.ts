import { forwardedHeadersCheck } from '../fixtures/checks/forwarded-headers.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(forwardedHeadersCheck);
