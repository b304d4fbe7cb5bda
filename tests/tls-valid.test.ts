import { generateRunCertificates, type RunCertificates } from '../fixtures/certs.ts';
import { tlsHandshake } from '../fixtures/clients/tls-client.ts';
import { describeAttempt, openSocket } from '../fixtures/clients/ws-client.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { lab } from '../fixtures/lab/lab.ts';

let otherAuthority: Promise<RunCertificates> | undefined;

defineCheck(
  'tls-valid',
  async (target) => {
    const trusted = await tlsHandshake(target, lab().certs.caPem);
    if (!trusted.verified) {
      const plain = /wrong.version.number|packet length too long/i.test(trusted.error ?? '') ? ' (the TLS port answers plain HTTP: no TLS is configured on it)' : '';
      return outcome.fail(`TLS verification failed for ${target.serverName}: ${trusted.error}${plain}`);
    }
    const attempt = await openSocket(target, { ca: lab().certs.caPem, path: target.wsPath });
    attempt.ws?.terminate();
    if (!attempt.ws && attempt.status === undefined && attempt.closeCode === undefined) {
      return outcome.fail(`TLS verified, but the wss handshake failed: ${describeAttempt(attempt)}`);
    }
    const other = await (otherAuthority ??= generateRunCertificates(['unrelated.example']));
    const stranger = await tlsHandshake(target, other.caPem);
    if (stranger.verified) return outcome.fail('a client trusting an unrelated CA accepted the certificate: verification proves nothing');
    if (target.tlsInFront) {
      // The certificate clients see is the load balancer's, not this config's: checked here only
      // as the suite's stand-in; the real one is checked against the live site.
      return outcome.pass(
        `TLS ends in front of this config (plain HTTP on port ${target.tlsInFront.port}): the suite's terminator served ${trusted.protocol} for ${target.serverName}; the customer's own certificate lives on their load balancer or CDN`,
        { figure: 'TLS in front' },
      );
    }
    return outcome.pass(`${trusted.protocol} certificate for ${target.serverName} verified against the run CA; refused under another CA`, {
      figure: trusted.protocol,
    });
  },
  [
    { proxy: 'nginx', scenario: 'snakeoil-certificate', symptom: /TLS verification failed/ },
    { proxy: 'apache', scenario: 'snakeoil-certificate', symptom: /TLS verification failed for .*self-signed certificate/ },
    { proxy: 'caddy', scenario: 'tls-internal', symptom: /TLS verification failed for .*unable to get local issuer certificate/ },
  ],
);
