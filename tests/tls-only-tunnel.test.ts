import { tlsOnlyTunnelCheck } from '../fixtures/checks/tls-only-tunnel.ts';
import { registerCheck } from '../fixtures/harness.ts';

registerCheck(tlsOnlyTunnelCheck);
