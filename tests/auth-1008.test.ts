import { auth1008Check } from '../fixtures/checks/auth-1008.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(auth1008Check);
