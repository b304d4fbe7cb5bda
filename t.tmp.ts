import { readFileSync } from 'node:fs';
import { proxies } from './fixtures/proxies/index.ts';
import { renderConfig } from './fixtures/proxies/render.ts';
import type { RunCertificates } from './fixtures/certs.ts';
const certs = { fullchainPem: 'C\n', keyPem: 'K\n', caPem: 'A\n' } as RunCertificates;
const runs: [string, string, number, Record<string, string>][] = [
 ['apache', '/work/realworld/apache2/01-zammad.conf', 3000, {}],
 ['apache', '/work/realworld/apache2/02-onlyoffice.conf', 80, { SSL_CERTIFICATE_PATH: '/etc/ssl/oo.crt', SSL_KEY_PATH: '/etc/ssl/oo.key' }],
 ['apache', '/work/realworld/apache2/03-odoo.conf', 8072, {}],
 ['apache', '/work/realworld/apache2/04-cookops.conf', 8000, {}],
 ['apache', '/work/realworld/apache2/05-rebased.conf', 4000, {}],
 ['apache', '/work/realworld/apache2/06-surf-jupyterhub-etherpad.conf', 8000, {}],
 ['apache', '/work/realworld/apache2/07-jupyterhub-workshop-hub.conf', 8000, {}],
 ['apache', '/work/realworld/apache2/08-freedombox-cockpit.conf', 9090, {}],
 ['apache', '/work/realworld/apache2/09-collabora-online.conf', 9980, {}],
 ['apache', '/work/realworld/apache2/10-slowdash.conf', 18881, {}],
 ['nginx', '/work/realworld/nginx2/01-misskey.conf', 3000, {}],
 ['nginx', '/work/realworld/nginx2/02-pleroma.conf', 4000, {}],
 ['nginx', '/work/realworld/nginx2/03-etherpad.conf', 9001, {}],
 ['nginx', '/work/realworld/nginx2/04-taiga.conf', 8888, {}],
 ['nginx', '/work/realworld/nginx2/05-frappe-bench.conf', 3000, {}],
 ['nginx', '/work/realworld/nginx2/06-kiauh-mainsail.conf', 7125, {}],
];
for (const [p, f, port, set] of runs) {
  try {
    const r = renderConfig(proxies[p]!, readFileSync(f, 'utf8'), { backendHost: 'h', backendPort: 1, certs, appPort: port, placeholders: set, file: f, timeouts: { scale: 10000, capMs: 8800 } });
    console.log('OK', f.split('/').slice(-2).join('/'), 'server', r.serverName, 'idle', r.idle?.configuredIdleMs, r.tlsInFront ? 'tlsInFront' : '', '\n   ' + r.changes.filter((c) => !/scaled|placed at/.test(c.why)).map((c) => `${c.line}: ${c.why.slice(0, 110)}`).join('\n   '));
  } catch (e) { console.log('ERR', f.split('/').slice(-2).join('/'), (e as Error).message.slice(0, 400)); }
}
