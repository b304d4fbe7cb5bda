import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';
import { repoRoot } from '../fixtures/lab/paths.ts';

/** The address a client claims in X-Forwarded-For and X-Real-IP (TEST-NET-3, RFC 5737). */
const FORGED = '203.0.113.66';

defineCheck(
  'forwarded-headers',
  async (target) => {
    const { cookie } = await freshSession(target, 'forwarded-headers');
    // What a client can claim: a forged address (TEST-NET-3, never a real peer) and plain http.
    const { seen, clientSaw } = await probeUpgrade(target, cookie, { headers: { 'X-Forwarded-For': FORGED, 'X-Real-IP': FORGED, 'X-Forwarded-Proto': 'http' } });
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    const host = header(seen, 'host') ?? '';
    const proto = header(seen, 'x-forwarded-proto');
    const realIp = header(seen, 'x-real-ip');
    const forwardedFor = header(seen, 'x-forwarded-for');
    const client = forwardedFor?.split(',').at(-1)?.trim();
    const problems: string[] = [];
    // The Host the client sent (with the port the test maps 443 to) or the bare server name, as
    // nginx's $host gives; never another host or another port (the backend's 5000).
    const hosts = [target.serverName, `${target.serverName}:${target.httpsPort}`];
    if (!hosts.includes(host)) problems.push(`Host is "${host || '(none)'}", not ${hosts.join(' or ')}`);
    const why = target.tlsInFront
      ? ' (the load balancer in front sent https; the config replaced it, e.g. with $scheme, which is http behind a load balancer)'
      : ' (the value the client forged was passed on, or the config set http)';
    if (proto !== 'https') problems.push(`X-Forwarded-Proto is ${proto ?? '(none)'}, not https${proto === 'http' ? why : ''}`);
    if (!client || !isIP(client)) problems.push(`X-Forwarded-For is ${forwardedFor ?? '(none)'}, not the client's address`);
    else if (client === FORGED) problems.push(`X-Forwarded-For ends with ${FORGED}, the address the client forged: the proxy trusted the client's X-Forwarded-For instead of appending the peer it saw`);
    else if (client === seen.remoteAddress) problems.push(`X-Forwarded-For names the proxy itself (${client}), not the client`);
    // The guide's checklist asks for X-Forwarded-* only; X-Real-IP is judged where the config sets it.
    const setsRealIp = /^[^#]*\bX-Real-IP\b/im.test(readFileSync(resolve(repoRoot, target.configFile), 'utf8'));
    if (setsRealIp && realIp === FORGED) problems.push(`X-Real-IP is ${FORGED}, the address the client forged`);
    else if (setsRealIp && (!realIp || realIp !== client)) problems.push(`X-Real-IP is ${realIp ?? '(none)'}, not the client's address ${client ?? ''}`.trim());
    const summary = `Host ${host}, X-Forwarded-For ${forwardedFor ?? '-'}, X-Real-IP ${realIp ?? '-'}, X-Forwarded-Proto ${proto ?? '-'}`;
    if (problems.length > 0) return outcome.fail(`${problems.join('; ')} (backend saw ${summary})`, { evidence: seen });
    const note = setsRealIp ? '' : `; the config sets no X-Real-IP${realIp ? ` (the client's own value ${realIp} passed through: the backend must not trust it)` : ''}`;
    return outcome.pass(`backend saw ${summary}${note}`, { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'no-forwarded-proto', symptom: /X-Forwarded-Proto is http, not https \(the value the client forged was passed on/ },
    { proxy: 'nginx', scenario: 'behind-lb-scheme', symptom: /X-Forwarded-Proto is http, not https \(the load balancer in front sent https; the config replaced it, e\.g\. with \$scheme/ },
    { proxy: 'apache', scenario: 'no-preserve-host', symptom: /Host is "host\.docker\.internal/ },
    // `header_up Host {upstream_hostport}`, from Caddy's example for external upstreams.
    { proxy: 'caddy', scenario: 'host-upstream', symptom: /Host is "host\.docker\.internal:\d+", not portal\.inspect360\.ai/ },
    { proxy: 'nginx', scenario: 'real-ip-from-anywhere', symptom: /X-Forwarded-For ends with 203\.0\.113\.66, the address the client forged.*X-Real-IP is 203\.0\.113\.66/ },
    { proxy: 'haproxy', scenario: 'forwardfor-if-none', symptom: /X-Forwarded-For ends with 203\.0\.113\.66, the address the client forged/ },
  ],
);
