import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunCertificates } from '../../fixtures/certs.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';
import { AdaptationError } from '../../fixtures/proxies/adapt.ts';
import { proxies } from '../../fixtures/proxies/index.ts';
import { plainPortOf, renderConfig, withFileLines, type RenderOptions } from '../../fixtures/proxies/render.ts';
import { parseCaddyfile } from '../../fixtures/proxies/dialects/caddy-syntax.ts';
import { DEFAULT_TIME_SCALE } from '../../fixtures/proxies/timeouts/scale.ts';
import { FIREWALL_ROOM_MS, firewallScale, readFirewall } from '../../fixtures/firewall/header.ts';
import { diagnose } from '../../fixtures/diagnosis/diagnose.ts';

const certs = { fullchainPem: 'CHAIN\n', keyPem: 'KEY\n' } as RunCertificates;
const options: RenderOptions = { backendHost: 'host.docker.internal', backendPort: 41234, certs };
const shipped = (name: string) => readFileSync(join(repoRoot, proxies[name]!.configFile), 'utf8');
const render = (name: string, config: string, extra: Partial<RenderOptions> = {}) => renderConfig(proxies[name]!, config, { ...options, ...extra });
const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AdaptationError) return error;
    throw error;
  }
  throw new Error('the config was adapted, but it should have been refused');
};

describe('adaptation: a config runs as written, except for the backend address', () => {
  for (const name of Object.keys(proxies)) {
    test(`${name}: only backend-address lines differ from the shipped file`, () => {
      const original = shipped(name).split('\n');
      const rendered = render(name, shipped(name));
      const differing = rendered.text.split('\n').flatMap((line, i) => (line === original[i] ? [] : [i + 1]));
      // Edits change their line; the other entries list files placed at the paths a line names.
      const edits = rendered.changes.filter((c) => c.before !== c.after);
      expect(differing).toEqual(edits.map((c) => c.line));
      expect(edits.every((c) => c.after.includes('host.docker.internal:41234'))).toBe(true);
      expect(rendered.changes.filter((c) => c.before === c.after).every((c) => /placed at/.test(c.why))).toBe(true);
      // The run's certificate goes exactly where the config looks for it.
      expect(rendered.files.length).toBeGreaterThan(0);
      for (const file of rendered.files) expect(shipped(name)).toContain(file.target);
    });
  }

  test('an upstream block on another application port is adapted when told the port', () => {
    const config = readFileSync(join(repoRoot, 'fixtures/customer-configs/nginx-upstream-socket-path.conf'), 'utf8');
    const rendered = render('nginx', config, { appPort: 3000 });
    expect(rendered.changes.filter((c) => c.before !== c.after)).toEqual([expect.objectContaining({ line: 4, after: 'server host.docker.internal:41234;' })]);
    expect(rendered.serverName).toBe('inspect.customer.example');
    expect(rendered.files.map((f) => f.target)).toEqual(['/etc/ssl/customer/inspect.crt', '/etc/ssl/customer/inspect.key']);
  });

  test('a backend on the wrong port is left wrong, not repaired', () => {
    const config = shipped('nginx').replace('proxy_pass http://localhost:5000;', 'proxy_pass http://localhost:5001;');
    expect(render('nginx', config).text).toContain('proxy_pass http://localhost:5001;');
  });

  test("nginx: statements are read with the dialect's tokenizer: an address on the next line, an upstream name split from its block", () => {
    // nginx reads a newline as any other space: the address belongs to proxy_pass on the line before.
    const split = shipped('nginx').replace('proxy_pass http://localhost:5000;', 'proxy_pass\n            http://localhost:5000;');
    const line = split.split('\n').findIndex((l) => l.includes('http://localhost:5000')) + 1;
    expect(render('nginx', split).changes).toContainEqual(expect.objectContaining({ line, after: 'http://host.docker.internal:41234;' }));
    // `upstream` and its name on different lines is still the config's own name, no host on port 80.
    const named = `upstream\n    portal_app {\n    server 127.0.0.1:80;\n}\n${shipped('nginx').replaceAll('http://localhost:5000', 'http://portal_app')}`;
    const rendered = render('nginx', named, { appPort: 80 });
    expect(rendered.text).toContain('proxy_pass http://portal_app;');
    expect(rendered.text).toContain('server host.docker.internal:41234;');
  });

  test('no backend address on the application port stops, saying which option helps', () => {
    const config = shipped('nginx').replaceAll('localhost:5000', 'localhost:3000');
    expect(rejection(() => render('nginx', config)).message).toMatch(/no backend address on port 5000.*--backend-port/);
  });

  test('an include of a file we do not have stops, naming the line', () => {
    const config = shipped('nginx').replace('    ssl_protocols', '    include /etc/nginx/snippets/customer-ssl.conf;\n    ssl_protocols');
    const error = rejection(() => render('nginx', config));
    expect(error.line).toBe(config.split('\n').findIndex((l) => l.includes('customer-ssl.conf')) + 1);
    expect(error.message).toContain('customer-ssl.conf');
  });

  test('a plain-HTTP config (TLS terminated by a load balancer) runs behind the suite\'s terminator, and says so', () => {
    const config = 'server {\n    listen 8080;\n    location /ws { proxy_pass http://localhost:5000; }\n}\n';
    const rendered = render('nginx', config);
    expect(rendered.tlsInFront).toEqual({ port: 8080 });
    expect(rendered.changes.find((c) => c.line === 2)?.why).toMatch(/plain HTTP on port 8080: TLS ends in front/);
    for (const [line, port] of [['<VirtualHost *:80>', 80], ['    bind *:8081', 8081], [':8082 {', 8082], ['http://portal.inspect360.ai {', 80], ['    listen [::]:80 default_server;', 80]] as const) {
      expect(plainPortOf(line)).toBe(port);
    }
  });

  test("a TLS listener whose certificate lines are missing gets the run's certificate, and says so", () => {
    const config = shipped('nginx').replace(/^\s*ssl_certificate(_key)? .*$/gm, '    # certificate lines removed by the customer');
    const rendered = render('nginx', config);
    expect(rendered.tlsInFront).toBeUndefined();
    expect(rendered.text).toMatch(/ssl_certificate \/etc\/nginx\/wspc-run-fullchain\.pem;\n\s*ssl_certificate_key \/etc\/nginx\/wspc-run-key\.pem;/);
    expect(rendered.files.map((f) => f.target)).toContain('/etc/nginx/wspc-run-key.pem');
  });

  test("a Caddyfile relying on automatic HTTPS gets the run's certificate, and says so", () => {
    const config = 'app.customer.example {\n\treverse_proxy localhost:5000\n}\n';
    const rendered = render('caddy', config);
    expect(rendered.text.split('\n')[1]).toBe('\ttls /etc/caddy/wspc-run-fullchain.pem /etc/caddy/wspc-run-key.pem');
    expect(rendered.changes.map((c) => c.why).join(' ')).toMatch(/automatic HTTPS/);
    expect(rendered.files.map((f) => f.target)).toEqual(['/etc/caddy/wspc-run-fullchain.pem', '/etc/caddy/wspc-run-key.pem']);
  });

  // Shapes of published Caddyfiles (2026-12-05: gravitl/netmaker docker/Caddyfile, jnsdt/v2ray-caddy-docker, bram2w/baserow).
  test('Caddy: the site whose upstream is the application is the one run, its `tls you@example.com` replaced, `{$VAR:default}` filled', () => {
    const config = [
      '{',
      '	email admin@customer.example',
      '}',
      'https://dashboard.customer.example {',
      '	reverse_proxy http://ui',
      '}',
      'wss://broker.customer.example {',
      '	tls admin@customer.example {',
      '		protocols tls1.3',
      '	}',
      '	reverse_proxy {$BACKEND:localhost:5000}',
      '}',
    ].join('\n');
    const rendered = render('caddy', config);
    expect(rendered.serverName).toBe('broker.customer.example');
    expect(rendered.text.split('\n')[7]).toBe('\ttls /etc/caddy/wspc-run-fullchain.pem /etc/caddy/wspc-run-key.pem {');
    expect(rendered.text.split('\n')[10]).toBe('\treverse_proxy host.docker.internal:41234');
    const why = rendered.changes.map((c) => c.why).join('\n');
    expect(why).toMatch(/ACME CA for admin@customer\.example: the run's certificate stands in/);
    expect(why).toMatch(/\{\$BACKEND:localhost:5000\} filled in with its default, as Caddy does when BACKEND is unset/);
    // `tls internal` is the config's own choice: run as written (tls-valid then fails).
    expect(render('caddy', 'app.customer.example {\n\ttls internal\n\treverse_proxy localhost:5000\n}\n').text).toMatch(/^\ttls internal$/m);
  });

  test('nginx: of several sites, the one whose proxy_pass reaches the application (directly or by its upstream) is run', () => {
    const site = (name: string, target: string) => `server {\n    listen 443 ssl;\n    server_name ${name};\n    location / {\n        proxy_pass ${target};\n    }\n}\n`;
    expect(render('nginx', `${site('grafana.customer.example', 'http://127.0.0.1:3000')}${site('app.customer.example', 'http://127.0.0.1:5000')}`).serverName).toBe('app.customer.example');
    const upstream = 'upstream app_servers {\n    server 10.0.0.2:5000;\n}\n';
    expect(render('nginx', `${upstream}${site('docs.customer.example', 'http://docs')}${site('app.customer.example', 'http://app_servers')}`).serverName).toBe('app.customer.example');
  });

  test("HAProxy: a bind on an address of the customer's machine is bound on the container's, the port kept", () => {
    const rendered = render('haproxy', shipped('haproxy').replace('bind :443 ssl', 'bind 203.0.113.10:443 ssl').replace('bind :80', 'bind ipv4@10.0.0.5:80'));
    expect(rendered.text).toMatch(/^\s*bind :443 ssl crt /m);
    expect(rendered.text).toMatch(/^\s*bind :80$/m);
    expect(rendered.changes.filter((c) => /an address of the customer's machine/.test(c.why))).toHaveLength(2);
  });

  test('health checks: the paths each proxy asks the application for are read, so the backend answers them', () => {
    expect(proxies.haproxy!.healthPaths!('backend b\n    option httpchk HEAD /healthz HTTP/1.1\n    server a x:5000 check\nbackend c\n    option httpchk\n')).toEqual(['/healthz', '/']);
    expect(proxies.haproxy!.healthPaths!('backend b\n    option httpchk\n    http-check send meth GET uri /ready?full=1 ver HTTP/1.1\n')).toEqual(['/', '/ready']);
    expect(proxies.caddy!.healthPaths!('a.example {\n\treverse_proxy x:5000 {\n\t\thealth_uri /status?x=1\n\t}\n}\n')).toEqual(['/status']);
    expect(proxies.apache!.healthPaths!('ProxyPass / http://localhost:5000/ hcmethod=GET hcuri=/up\n')).toEqual(['/up']);
  });

  test('Apache: a vhost that loads no module gets what a2enmod gave it, in mods-enabled, its lines unmoved', () => {
    const config = [
      '<VirtualHost *:443>',
      '\tServerName app.customer.example',
      '\tSSLEngine on',
      '\tSSLCertificateFile /etc/ssl/certs/app.pem',
      '\tSSLCertificateKeyFile /etc/ssl/private/app.key',
      '\tRewriteEngine on',
      '\tRewriteCond %{HTTP:Upgrade} websocket [NC]',
      '\tRewriteRule /ws(.*) ws://127.0.0.1:5000/ws$1 [P,L]',
      '\tProxyPass / http://127.0.0.1:5000/',
      '</VirtualHost>',
    ].join('\n');
    const rendered = render('apache', config);
    const modules = rendered.files.find((f) => f.target === '/etc/apache2/mods-enabled/wspc-a2enmod.load');
    expect(modules?.content.trim().split('\n').map((l) => l.split(' ')[1])).toEqual(['proxy_module', 'proxy_http_module', 'proxy_wstunnel_module', 'rewrite_module']);
    expect(rendered.changes.find((c) => /a2enmod proxy proxy_http proxy_wstunnel rewrite/.test(c.why))?.line).toBe(6);
    expect(rendered.text.split('\n').slice(0, 10)).toEqual(config.split('\n').map((l) => l.replace('127.0.0.1:5000', 'host.docker.internal:41234')));
    // A file that loads modules itself (the guide's block) is taken as loading what it wants.
    expect(render('apache', shipped('apache')).files.map((f) => f.target)).not.toContain('/etc/apache2/mods-enabled/wspc-a2enmod.load');
  });
});

describe('configs as received: lines moved by shaping are named as the file\'s', () => {
  const customer = (file: string) => readFileSync(join(repoRoot, 'fixtures/customer-configs', file), 'utf8');
  const snippet = (file: string) => new Map([[join(repoRoot, 'fixtures/customer-configs/snippets', file), customer(`snippets/${file}`)]]);

  test("Apache: an included file's lines map back to the file and its Include line; the proxy's messages get the file's line", () => {
    const rendered = render('apache', customer('apache-vhost-with-include.conf'), { included: snippet('inspect360-websocket.conf') });
    const lines = rendered.text.split('\n');
    const proxyPass = lines.findIndex((l) => l.startsWith('ProxyPass /ws'));
    expect(rendered.origin?.[proxyPass]).toEqual({ line: 29, from: { file: expect.stringMatching(/inspect360-websocket\.conf$/), line: 2 } });
    // A line after the include moved down by the included file's length; its origin is its own line.
    const catchAll = lines.findIndex((l) => l.trim().startsWith('ProxyPass / '));
    expect(rendered.origin?.[catchAll]).toEqual({ line: 32 });
    const said = `AH00526: Syntax error on line ${catchAll + 1} of /etc/apache2/sites-enabled/inspect360.conf:`;
    expect(withFileLines(said, '/etc/apache2/sites-enabled/inspect360.conf', rendered.origin)).toContain(`line ${catchAll + 1} of /etc/apache2/sites-enabled/inspect360.conf (the file's line 32)`);
  });

  test("Apache: a vhost body's wrapper shifts it by 7; changes name the file's lines", () => {
    const rendered = render('apache', customer('apache-vhost-body.conf'));
    expect(rendered.origin?.slice(0, 7)).toEqual(Array(7).fill(null));
    expect(rendered.changes.find((c) => c.why.startsWith('backend address'))?.line).toBe(5);
  });

  // Shapes met in published nginx configs (2026-12-05: mastodon, jitsi-meet, mattermost, penpot,
  // overleaf, home-assistant addons, gitlab, peertube, bitwarden, cryptpad, chatwoot, budibase).
  const site = (body: string) => shipped('nginx').replace(/(location \/ws \{)/, `${body}\n    $1`);
  test("nginx: a quote inside a word is a character (jitsi-meet's `location ~ ^/([^/?&:'\"]+)/xmpp-websocket`)", () => {
    const rendered = render('nginx', site(`location ~ ^/([^/?&:'"]+)/other$ {\n        rewrite ^/(.*)$ /ws;\n    }`), { timeouts: { scale: 10_000, capMs: 8_800, version: '1.22' } });
    // Before, the quote opened a string to the end of the file and the timeouts could not be read.
    expect(rendered.idle?.configuredIdleMs).toBeGreaterThan(0);
  });
  test('nginx and Caddy: a wildcard include nobody sent runs as nginx runs it, including nothing, and says so', () => {
    const rendered = render('nginx', site('include /etc/nginx/vhost-extras/overleaf/*.conf;'));
    expect(rendered.changes.find((c) => /a wildcard include with no file sent for it: nginx includes nothing/.test(c.why))?.before).toBe('include /etc/nginx/vhost-extras/overleaf/*.conf;');
    expect(rendered.text).toContain('include /etc/nginx/vhost-extras/overleaf/*.conf;');
    expect(rejection(() => render('apache', shipped('apache').replace('</VirtualHost>', 'Include /etc/apache2/extra/*.conf\n</VirtualHost>'))).message).toMatch(/includes \/etc\/apache2\/extra\/\*\.conf, which is not part/);
  });
  test("nginx: a regex's named group is no placeholder; envsubst's `$NAME` is one; template logic stops naming the line", () => {
    expect(render('nginx', `map $request_uri $filtered {\n    ~(?i)^(?<start>.*)(?<temp>[\\?&]private_token)=[^&]*(?<rest>.*)$ "$start$temp=[FILTERED]$rest";\n    default $request_uri;\n}\n${shipped('nginx')}`).text).toContain('(?<start>');
    const penpot = site('location /ws/notifications {\n        proxy_pass $PENPOT_BACKEND_URI/ws/notifications;\n    }');
    expect(rejection(() => render('nginx', penpot)).message).toMatch(/1 value\(s\) left to fill in: \$PENPOT_BACKEND_URI \(line \d+\)/);
    expect(render('nginx', penpot, { placeholders: { PENPOT_BACKEND_URI: 'http://backend:5000' } }).text).not.toContain('PENPOT');
    expect(render('nginx', site('set $UPSTREAM_HOST backend;')).changes.some((c) => /filled in/.test(c.why))).toBe(false);
    expect(rejection(() => render('nginx', `server {\n{{#if Ssl}}\n    listen 443 ssl;\n{{/if}}\n}`)).message).toMatch(/:2: \{\{#if Ssl\}\} is template logic \(Go template, Handlebars or Jinja\)/);
    expect(rejection(() => render('nginx', `{%- macro server_block(port) %}\nserver { listen {{ port }}; }\n{%- endmacro %}`)).message).toMatch(/:1: \{%- macro server_block\(port\) %\} is template logic/);
    // A template's value alone is a placeholder (ONLYOFFICE's Apache example: `SSLCertificateFile "{{SSL_CERTIFICATE_PATH}}"`).
    expect(rejection(() => render('apache', shipped('apache').replace(/SSLCertificateFile \S+/, 'SSLCertificateFile "{{SSL_CERTIFICATE_PATH}}"'))).message).toMatch(/1 value\(s\) left to fill in: \{\{SSL_CERTIFICATE_PATH\}\} \(line \d+\)/);
    expect(rejection(() => render('nginx', `{{- if .options.cloudflare }}\ninclude /data/cloudflare.conf;\n{{- end }}`)).message).toMatch(/:1: \{\{- if \.options\.cloudflare \}\} is template logic/);
  });
  test("nginx: the site's own page for a failing backend gets a stand-in where its root puts it", () => {
    const rendered = render('nginx', site('error_page 502 /502.html;\n    location ~ ^/(404|502|503)\\.html$ {\n        root /home/git/gitlab/public;\n        internal;\n    }'));
    expect(rendered.files.find((f) => f.target === '/home/git/gitlab/public/502.html')?.content).toMatch(/stand-in for the customer's error page/);
    expect(rendered.changes.find((c) => c.before === 'error_page 502 /502.html;')?.why).toMatch(/a stand-in is placed, so nginx answers the failing backend with it and keeps the status/);
    expect(render('nginx', site('error_page 404 /404.html;\n    root /srv/www;')).files.map((f) => f.target)).not.toContain('/srv/www/404.html');
  });
  test("nginx: one file named as both ssl_certificate and ssl_trusted_certificate gets the run's chain, which holds its CA (pleroma's site)", () => {
    const config = shipped('nginx').replace(/^(\s*)(ssl_certificate \S+;)/m, '$1ssl_trusted_certificate /etc/letsencrypt/live/portal.inspect360.ai/fullchain.pem;\n$1$2');
    const rendered = render('nginx', config, { certs: { ...certs, caPem: 'CA\n' } as RunCertificates });
    const placed = rendered.files.filter((f) => f.target === '/etc/letsencrypt/live/portal.inspect360.ai/fullchain.pem');
    expect(placed.map((f) => f.content)).toEqual(['CHAIN\n']);
    expect(rendered.changes.some((c) => /the run's certificate chain \(leaf \+ the run's CA\) at \S+fullchain\.pem serves as its CA certificate too/.test(c.why))).toBe(true);
  });
  test("nginx: hosts of the customer's network beside the application resolve to an unreachable address, each listed with its line (taiga's site)", () => {
    const config = shipped('nginx').replace(/^(\s*)location \/ \{\n(\s*)proxy_pass http:\/\/localhost:5000;/m, '$1location / {\n$2proxy_pass http://taiga-front/;').replace(/^(\s*)(location \/ws \{)/m, '$1location /api {\n$1    proxy_pass http://taiga-back:8000/api;\n$1}\n$1$2');
    const rendered = render('nginx', `upstream pool {\n  server 10.0.0.7:9000;\n  server cache.internal:11211;\n}\n${config}`);
    expect(rendered.unreachableHosts).toEqual(['cache.internal', 'taiga-back', 'taiga-front']);
    const listed = rendered.changes.filter((c) => /a host of the customer's network, not the application\) resolves in the container to 255\.255\.255\.255, where no connection can go/.test(c.why));
    expect(listed.map((c) => c.before)).toEqual(['server cache.internal:11211;', 'proxy_pass http://taiga-back:8000/api;', 'proxy_pass http://taiga-front/;']);
    // The application itself, an upstream block's name and an address are not among them.
    expect(render('nginx', shipped('nginx')).unreachableHosts).toBeUndefined();
  });
  test('nginx: an application on a unix socket stops naming the socket line and what to write there', () => {
    const error = rejection(() => render('nginx', shipped('nginx').replace(/proxy_pass http:\/\/localhost:5000/g, 'proxy_pass http://workhorse').replace(/^/, 'upstream workhorse {\n  server unix:/home/git/gitlab/tmp/sockets/gitlab-workhorse.socket fail_timeout=0;\n}\n')));
    expect(error.message).toMatch(/:2: the application is reached over a unix socket; .* write its address as 127\.0\.0\.1:5000 on this line/);
  });

  test('a TLS address of the application (https://, wss://) stops naming its line and the plain scheme to write', () => {
    // FreedomBox's cockpit snippet: a <Location> fragment (wrapped in a vhost, so the line is mapped back).
    const cockpit = '<Location /_cockpit/>\n    ProxyPass https://localhost:5000/_cockpit/\n</Location>\n<Location /_cockpit/cockpit/socket>\n    ProxyPass wss://localhost:5000/_cockpit/socket\n</Location>\n';
    expect(rejection(() => render('apache', cockpit)).message).toMatch(/:2: the application is reached over TLS \(https:\/\/\); .* write http:\/\/ on this line .*\n\s+ProxyPass https:\/\/localhost:5000\/_cockpit\//);
    expect(rejection(() => render('apache', cockpit.replace('https://', 'http://'))).message).toMatch(/:5: the application is reached over TLS \(wss:\/\/\); .* write ws:\/\/ on this line/);
    expect(rejection(() => render('nginx', shipped('nginx').replace('proxy_pass http://localhost:5000', 'proxy_pass https://localhost:5000'))).message).toMatch(/the application is reached over TLS \(https:\/\/\)/);
  });

  test("Apache: `${name}` is the value of the Define above it, for the site's name and its certificate paths", () => {
    const config = `Define servername example.tld\n${shipped('apache').replace(/ServerName \S+/g, 'ServerName ${servername}').replace(/SSLCertificateFile \S+/, 'SSLCertificateFile /etc/letsencrypt/live/${servername}/fullchain.pem')}`;
    const rendered = render('apache', config);
    expect(rendered.serverName).toBe('example.tld');
    expect(rendered.files.map((f) => f.target)).toContain('/etc/letsencrypt/live/example.tld/fullchain.pem');
  });
  test("Apache: SSLEngine on without certificate lines gets the run's certificate, and says so", () => {
    const rendered = render('apache', shipped('apache').replace(/^\s*SSLCertificate(Key)?File .*\n/gm, ''));
    expect(rendered.changes.find((c) => /SSLEngine on without certificate lines/.test(c.why))?.after).toMatch(/^SSLCertificateFile \/etc\/apache2\/wspc-run-fullchain\.pem/);
    expect(rendered.tlsInFront).toBeUndefined();
    expect(rendered.plainOnTlsPort).toBeUndefined();
  });
  test("Apache: a LoadModule of a module Debian's apache2 compiles in is commented out, and says so (upstream httpd's layout)", () => {
    // ONLYOFFICE's proxy example loads unixd_module, a DSO in upstream httpd; Debian's Apache stops on it.
    const config = `LoadModule unixd_module modules/mod_unixd.so\nLoadModule log_config_module modules/mod_log_config.so\n${shipped('apache')}`;
    const rendered = render('apache', config);
    expect(rendered.text.split('\n').slice(0, 2)).toEqual(['# LoadModule unixd_module modules/mod_unixd.so', '# LoadModule log_config_module modules/mod_log_config.so']);
    expect(rendered.changes.filter((c) => /compiled into the image's apache2/.test(c.why)).map((c) => c.line)).toEqual([1, 2]);
    // Modules Debian ships as DSOs are loaded as written.
    expect(rendered.text).toMatch(/^\s*LoadModule proxy_wstunnel_module /m);
  });
  test('Apache: ProxyPass lines beside server-config directives (Listen, User) are the server\'s own, not wrapped in a vhost', () => {
    const server = ['Listen 443', 'LoadModule headers_module modules/mod_headers.so', '<IfModule unixd_module>', '  User daemon', '</IfModule>', 'SSLEngine on', 'SSLCertificateFile /etc/ssl/oo.crt', 'SSLCertificateKeyFile /etc/ssl/oo.key', 'ProxyPassMatch (.*)(\\/ws)$ "ws://localhost:5000/$1$2"', 'ProxyPass / "http://localhost:5000/"', ''].join('\n');
    const rendered = render('apache', server);
    expect(rendered.text).not.toMatch(/<VirtualHost/);
    expect(rendered.changes.some((c) => /wrapped in a TLS vhost/.test(c.why))).toBe(false);
    // The same lines without them are a vhost's body.
    expect(render('apache', server.split('\n').slice(5).join('\n')).text).toMatch(/<VirtualHost \*:443>/);
  });
  test('an http:// or ws:// URL without a port is the application on 80; an upstream block\'s name is not a host', () => {
    const apache = shipped('apache').replace(/ws:\/\/localhost:5000/g, 'ws://backendserver-address');
    expect(render('apache', apache, { appPort: 80 }).text).toContain('ws://host.docker.internal:41234/ws');
    // As the CLI previews it (the backend named `backend`): a host that starts with that name is still the application's.
    expect(render('apache', apache, { appPort: 80, backendHost: 'backend', backendPort: 1 }).text).toContain('ws://backend:1/ws');
    expect(rejection(() => render('apache', apache.replace(/http:\/\/localhost:5000/g, 'http://backendserver-address'))).message).toMatch(/no backend address on port 5000/);
    const nginx = `upstream taiga { server taiga-back:80; }\n${shipped('nginx').replace(/proxy_pass http:\/\/localhost:5000/g, 'proxy_pass http://taiga')}`;
    const rendered = render('nginx', nginx, { appPort: 80 });
    expect(rendered.text).toContain('server host.docker.internal:41234;');
    expect(rendered.text).toContain('proxy_pass http://taiga;');
  });
  test('nginx: a proxy_pass to an upstream defined in another file stops naming it and --include', () => {
    const error = rejection(() => render('nginx', shipped('nginx').replace(/proxy_pass http:\/\/localhost:5000/g, 'proxy_pass http://apiserver/websocket')));
    expect(error.message).toMatch(/proxy_pass names upstream "apiserver", which no upstream block of this config defines: send the file that does \(wspc check --include FILE/);
    // Read from nginx's statements, not line by line: a one-line location counts, and names its line.
    const oneLine = shipped('nginx').replace(/proxy_pass http:\/\/localhost:5000/g, 'proxy_pass http://localhost:5001').replace(/location \/ws \{/, 'location /ws { proxy_pass http://apiserver; }\n    location /ws-old {');
    const line = oneLine.split('\n').findIndex((l) => l.includes('http://apiserver')) + 1;
    expect(rejection(() => render('nginx', oneLine)).message).toMatch(new RegExp(`:${line}: .*proxy_pass names upstream "apiserver"`));
  });
  test('nginx: an include nobody sent stops with exit 2 naming --include', () => {
    const error = rejection(() => render('nginx', customer('nginx-site-with-snippet.conf')));
    expect(error.message).toMatch(/:23: includes snippets\/websocket-proxy\.conf, which is not part of this config: send it with it \(wspc check --include FILE/);
  });
});

describe("the Caddyfile read by its own syntax (fixtures/proxies/dialects/caddy-syntax.ts)", () => {
  test('quotes, backticks, comments, continuations and placeholders are words; only a lone { or } is a brace', () => {
    const file = parseCaddyfile(
      [
        '(headers) {',
        '\theader -Server',
        '}',
        '{',
        '\temail a@example.com # the account',
        '}',
        'a.example, b.example {',
        '\trespond "a { b }" 200',
        '\theader X-Raw `{"json": true}`',
        '\treverse_proxy localhost:5000 \\',
        '\t\tlocalhost:5001 {',
        '\t\theader_up Host {host}',
        '\t}',
        '}',
      ].join('\n'),
    );
    expect(file.snippets.map((d) => d.name)).toEqual(['(headers)']);
    expect(file.global?.block?.map((d) => [d.name, ...d.args])).toEqual([['email', 'a@example.com']]);
    expect(file.sites.map((d) => [d.name, ...d.args])).toEqual([['a.example', 'b.example']]);
    const body = file.sites[0]!.block!;
    expect(body.map((d) => [d.name, ...d.args])).toEqual([
      ['respond', 'a { b }', '200'],
      ['header', 'X-Raw', '{"json": true}'],
      ['reverse_proxy', 'localhost:5000', 'localhost:5001'],
    ]);
    expect(body[2]!.block!.map((d) => [d.name, ...d.args])).toEqual([['header_up', 'Host', '{host}']]);
    expect(body[2]!.line).toBe(10);
  });
});

describe('a "# Firewall:" header puts a stateful firewall between the proxy and the application', () => {
  test('its idle limit runs at the run\'s scale, rounded up to whole seconds, never below one', () => {
    const header = (value: string) => `# NEGATIVE CONTROL (do not deploy): x\n# Firewall: forgets flows idle for ${value}, then drops their packets without a reset\nserver {}\n`;
    expect(readFirewall(header('1h'), 'f.conf', { scale: DEFAULT_TIME_SCALE })).toMatchObject({ forgetIdleSeconds: 1, change: { line: 2 } });
    expect(readFirewall(header('20h'), 'f.conf', { scale: DEFAULT_TIME_SCALE })?.forgetIdleSeconds).toBe(8);
    expect(readFirewall(header('350s'), 'f.conf', undefined)?.forgetIdleSeconds).toBe(350);
    expect(readFirewall('server {}\n', 'f.conf', undefined)).toBeUndefined();
    expect(() => readFirewall('# Firewall: forgets flows quickly\n', 'f.conf', undefined)).toThrow(/f\.conf:1: a "# Firewall:" line says how long .*"idle for <duration>"/);
  });
  test('an idle measurement behind it runs where its memory keeps three wall seconds, so it does not forget the opening exchange', () => {
    const header = (value: string) => `# Firewall: forgets flows idle for ${value}\nserver {}\n`;
    expect(firewallScale(header('1h'), DEFAULT_TIME_SCALE)).toBe(1200);
    expect(readFirewall(header('1h'), 'f.conf', { scale: firewallScale(header('1h'), DEFAULT_TIME_SCALE) })?.forgetIdleSeconds).toBe(FIREWALL_ROOM_MS / 1000);
    expect(firewallScale(header('20h'), DEFAULT_TIME_SCALE)).toBe(DEFAULT_TIME_SCALE);
    expect(firewallScale(header('2s'), DEFAULT_TIME_SCALE)).toBe(1);
    expect(firewallScale('server {}\n', DEFAULT_TIME_SCALE)).toBe(DEFAULT_TIME_SCALE);
  });
  test('a tunnel open but dead is blamed on the declared firewall, not on the proxy\'s timeouts', () => {
    const config = `# Firewall: forgets flows idle for 1h\n${shipped('nginx')}`;
    const detail = "the socket looked open after the idle period, but the client's message never came back from the backend within 3 s: one leg of the tunnel is dead";
    const declared = diagnose('nginx', config, 'idle-timeout-24h', detail);
    expect(declared).toMatchObject({ directive: 'Firewall: forgets flows idle for 1h', line: 1, present: true, guideSection: 'Connection Drops After a Few Seconds' });
    expect(diagnose('nginx', shipped('nginx'), 'idle-timeout-24h', detail)).toMatchObject({ present: false, directive: expect.stringMatching(/^a firewall, NAT or load balancer on the path/) });
  });
});
