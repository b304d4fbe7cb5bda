import { isIP } from 'node:net';
import { header, probeUpgrade } from '../fixtures/clients/probe.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { defineCheck, outcome } from '../fixtures/harness.ts';

defineCheck(
  'forwarded-headers',
  async (target) => {
    const { cookie } = await freshSession(target, 'forwarded-headers');
    const { seen, clientSaw } = await probeUpgrade(target, cookie);
    if (!seen) return outcome.fail(`the request never reached the backend (client: ${clientSaw})`);
    const host = header(seen, 'host') ?? '';
    const proto = header(seen, 'x-forwarded-proto');
    const realIp = header(seen, 'x-real-ip');
    const forwardedFor = header(seen, 'x-forwarded-for');
    const client = forwardedFor?.split(',').at(-1)?.trim();
    const problems: string[] = [];
    // The port differs from production only because the test maps 443 to a free port.
    if (new URL(`https://${host}`).hostname !== target.serverName) problems.push(`Host is "${host || '(none)'}", not ${target.serverName}`);
    if (proto !== 'https') problems.push(`X-Forwarded-Proto is ${proto ?? '(none)'}, not https`);
    if (!client || !isIP(client)) problems.push(`X-Forwarded-For is ${forwardedFor ?? '(none)'}, not the client's address`);
    else if (client === seen.remoteAddress) problems.push(`X-Forwarded-For names the proxy itself (${client}), not the client`);
    if (!realIp || realIp !== client) problems.push(`X-Real-IP is ${realIp ?? '(none)'}, not the client's address ${client ?? ''}`.trim());
    const summary = `Host ${host}, X-Forwarded-For ${forwardedFor ?? '-'}, X-Real-IP ${realIp ?? '-'}, X-Forwarded-Proto ${proto ?? '-'}`;
    if (problems.length > 0) return outcome.fail(`${problems.join('; ')} (backend saw ${summary})`, { evidence: seen });
    return outcome.pass(`backend saw ${summary}`, { evidence: seen });
  },
  [
    { proxy: 'nginx', scenario: 'no-forwarded-proto', symptom: /X-Forwarded-Proto is \(none\)/ },
    { proxy: 'apache', scenario: 'no-preserve-host', symptom: /Host is "host\.docker\.internal/ },
  ],
);
