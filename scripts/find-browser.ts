// Prints the Chromium the browser checks will drive, or exits 1 when there is none (used by setup.sh).
import { findChromium, missingBrowserMessage } from '../fixtures/clients/browser.ts';

const found = findChromium();
if (!found) {
  console.error(missingBrowserMessage());
  process.exit(1);
}
console.log(`${found.source} Chromium at ${found.path}`);
