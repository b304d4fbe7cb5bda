import { cookieForwardedCheck } from '../fixtures/checks/cookie-forwarded.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(cookieForwardedCheck);
