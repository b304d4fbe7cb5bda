// Builds the proxy and browser images that are not built yet, printing progress (part of `npm run setup`):
// every proxy at its default release, plus the other releases `npm test` itself runs.
import { proxies, proxyBuild } from '../fixtures/proxies/index.ts';
import { browserImage, ensureImages, imageTag } from '../fixtures/runtime/docker/images.ts';

/** Releases beyond the defaults that tests run: tests/http11.test.ts compares nginx 1.22 with 1.30. */
const testedBuilds = ['nginx@1.30'].map(proxyBuild).map((b) => ({ ...b.definition, release: b.release }));

const definitions = [...Object.values(proxies), ...testedBuilds, browserImage];
await ensureImages(definitions, (line) => console.log(line));
console.log(`[images] ready: ${definitions.map(imageTag).join(', ')}`);
