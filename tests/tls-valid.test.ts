import { tlsValidCheck } from '../fixtures/checks/tls-valid.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(tlsValidCheck);
