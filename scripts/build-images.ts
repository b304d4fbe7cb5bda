// Builds the proxy and browser images that are not built yet, printing progress (part of `npm run setup`).
import { proxies } from '../fixtures/proxies/index.ts';
import { browserImage, ensureImages, imageTag } from '../fixtures/runtime/docker/images.ts';

const definitions = [...Object.values(proxies), browserImage];
await ensureImages(definitions, (line) => console.log(line));
console.log(`[images] ready: ${definitions.map(imageTag).join(', ')}`);
