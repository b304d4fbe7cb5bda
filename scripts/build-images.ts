// Builds the proxy, browser and firewall images that are not built yet, printing progress (part of `npm run setup`):
// every proxy at every Debian release it is built for, since `npm test` runs the version matrix
// (`npm run test:matrix`), a config needing a newer release than the default (a customer config
// with `http2 on`) and tests/http11.test.ts's nginx 1.22 vs 1.30. About 90 s on 2 cores from
// scratch, base images aside.
import { proxies } from '../fixtures/proxies/index.ts';
import { browserImage, ensureImages, firewallImage, imageTag } from '../fixtures/runtime/docker/images.ts';

const builds = Object.values(proxies).flatMap((definition) => Object.keys(definition.releases).map((release) => ({ ...definition, release })));
const definitions = [...builds, browserImage, firewallImage];
await ensureImages(definitions, (line) => console.log(line));
console.log(`[images] ready: ${definitions.map(imageTag).join(', ')}`);
