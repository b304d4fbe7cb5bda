import { afterAll } from 'vitest';
import { closeBrowsers } from '../fixtures/clients/browser.ts';
import { browserAuth1008Check } from '../fixtures/checks/browser-auth-1008.ts';
import { registerCheck } from '../fixtures/harness.ts';

afterAll(closeBrowsers);

registerCheck(browserAuth1008Check);
