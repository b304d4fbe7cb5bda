import { loginRouteCheck } from '../fixtures/checks/login-route.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(loginRouteCheck);
