// Builds the proxy and browser images that are not built yet, printing progress (part of `npm run setup`):
// every proxy at its default release, plus the other releases `npm test` itself runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog } from '../fixtures/catalog.ts';
import { customerConfigs } from '../fixtures/customer-configs/index.ts';
import { proxies, proxyBuild, proxyNamed, releaseForConfig, releaseOf } from '../fixtures/proxies/index.ts';
import { browserImage, ensureImages, imageTag } from '../fixtures/runtime/docker/images.ts';

/** tests/http11.test.ts compares nginx 1.22 with 1.30. */
const testedBuilds = ['nginx@1.30'].map(proxyBuild);
/** Columns whose config needs a newer release than the default (a customer config with `http2 on`). */
const columnBuilds = [...customerConfigs, ...readCatalog().filter((e) => e.exit !== 2 && e.proxy in proxies)].map((c) => {
  const definition = proxyNamed(c.proxy);
  return { definition, release: releaseForConfig(definition, readFileSync(join(import.meta.dirname, '..', c.file), 'utf8')).release };
});
const defaults = Object.values(proxies).map((definition) => ({ definition, release: releaseOf(definition) }));
const builds = new Map([...defaults, ...testedBuilds, ...columnBuilds].map((b) => [`${b.definition.name}@${b.release}`, { ...b.definition, release: b.release }]));

const definitions = [...builds.values(), browserImage];
await ensureImages(definitions, (line) => console.log(line));
console.log(`[images] ready: ${definitions.map(imageTag).join(', ')}`);
