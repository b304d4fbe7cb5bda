import { afterAll } from 'vitest';
import { closeBrowsers } from '../fixtures/clients/browser.ts';
import { browserCheck } from '../fixtures/checks/browser.ts';
import { registerCheck } from '../fixtures/harness.ts';

afterAll(closeBrowsers);

registerCheck(browserCheck);
