import { permessageDeflateCheck } from '../fixtures/checks/permessage-deflate.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(permessageDeflateCheck);
