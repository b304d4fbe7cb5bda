import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCatalog } from '../../fixtures/catalog.ts';
import { checkIds, type CheckId } from '../../fixtures/checklist.ts';
import { checks } from '../../fixtures/checks/index.ts';
import { proxies } from '../../fixtures/proxies/index.ts';
import { repoRoot } from '../../fixtures/lab/paths.ts';

/**
 * Measured 2026-12-04 with `wspc check --only binary-frames` on the shipped config plus the
 * directive: neither throttled a tunnel (16 MiB came back in under 2 s). HAProxy's bwlim filters do
 * (haproxy/bandwidth-limit).
 */
const binaryFramesWhy: Record<string, string> = {
  nginx: 'no entry: once upgraded nginx relays the frames as bytes; `limit_rate 64k` in the server block does not apply to the tunnel (nginx 1.22.1: 16 MiB came back), and no directive that limits or rewrites frames is known (a CDN or WAF in front can: a probe of the live site shows it)',
  apache: "no entry: once upgraded mod_proxy relays the frames as bytes; mod_ratelimit's RATE_LIMIT filter (`rate-limit 64`) does not apply to the tunnel (Apache 2.4.71: 16 MiB came back), and no directive that limits or rewrites frames is known",
  caddy: 'no entry: once upgraded Caddy relays the frames as bytes; it has no bandwidth limit, and no directive that limits or rewrites frames is known',
};

/**
 * Which checks each proxy's catalog shows failing on a broken config of its own. Every check must
 * fail on some catalog entry of every proxy, or be listed here with what is missing. A check that
 * no config of a proxy has made fail is a check nobody has seen fail there. Adding the entry
 * removes the line (the test fails while a listed pair is covered, so the list only shrinks).
 */
const notYetShown: Record<string, string> = {
  'tls-valid haproxy':
    'no entry yet: HAProxy has no stock certificate to misconfigure (Debian ships no snakeoil or CA store in its image) and the run places its own chain at every `crt` path; a wrong certificate needs a second file the suite does not provide',
  'no-buffering apache': 'no entry yet: mod_proxy_http flushes when the backend pauses; no buffering directive for streamed responses is known (mod_deflate only applies with Accept-Encoding, which the check does not send)',
  'no-buffering caddy': 'cannot be broken by configuration as far as measured: with `flush_interval 5s` on the WebSocket route the streamed chunks still arrived 1202 ms apart over 1200 ms (Caddy flushes responses of unknown length at once) and pushes took 4 ms',
  'no-buffering haproxy': 'no entry yet: HAProxy streams responses; `option http-buffer-request` buffers requests only',
  'http11 caddy': "cannot be broken by configuration: reverse_proxy's `transport http { versions }` accepts 1.1, 2, h2c and 3, no 1.0 (https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#versions)",
  'http11 haproxy': 'cannot be broken by configuration: HAProxy talks HTTP/1.1 to servers in HTTP mode (or h2 with `proto h2`); it has no setting for HTTP/1.0 upstream',
  // Transparency (beyond the checklist). A tunnel's frames pass as bytes: no directive of these
  // proxies is known to limit, split or rewrite them once the upgrade is done.
  ...Object.fromEntries(Object.entries(binaryFramesWhy).map(([proxy, why]) => [`binary-frames ${proxy}`, why])),
  ...Object.fromEntries(
    ['nginx', 'apache', 'caddy', 'haproxy'].flatMap((proxy) => [
      [
        `close-codes ${proxy}`,
        `no entry: the close frames are part of the relayed bytes; a config can only end the tunnel (an idle timeout, which idle-timeout-24h measures), not rewrite a close code${
          // Measured 2026-12-04, `wspc check --only close-codes` on the shipped config plus the option.
          proxy === 'haproxy' ? ' (`option nolinger`, which closes with a reset and drops unsent data, still passed both codes on 2.6.12: the close frame is sent before the close)' : ''
        }`,
      ],
      [`message-flow ${proxy}`, 'no entry: fragments, pings and pongs and bursts are relayed bytes once upgraded; no directive that reassembles, answers or reorders them is known'],
    ]),
  ),
  // Capacity (beyond the checklist).
  'capacity caddy': "no entry: Caddy sets no cap on client connections (its reverse_proxy's max_conns_per_host caps backend connections, and a WebSocket beyond it waits for a free one, not refused); only the process's open-file limit stops it, which a config cannot lower",
  // Security (beyond the checklist): these proxies tunnel only after the backend's 101.
  'upgrade-smuggling nginx': "safe by design: nginx tunnels only after the backend's 101 (ngx_http_upstream switches to the upgraded handler on that status); its TCP proxy (stream {}) cannot live in the site file the suite runs",
  'upgrade-smuggling apache': 'safe in the versions run (2.4.62 and later): mod_proxy_wstunnel kept the tunnel whatever the backend answered before 2.4.48 (CVE-2019-17567), and no Debian release the suite reaches ships one that old',
  'upgrade-smuggling caddy': "safe by design: reverse_proxy switches protocols only on the backend's 101; Caddy's TCP proxy (layer4) is not in Debian's package",
};

/** The negative controls a check declares: each is asserted in the run with the check's own symptom. */
const controlsOf = (id: CheckId) => checks[id].controls;

describe('every check fails on a broken config of every proxy, with its own symptom', () => {
  const catalog = readCatalog();
  for (const proxy of Object.keys(proxies)) {
    test(proxy, () => {
      // Shown: a control of the check's own file on this proxy (a symptom of the check itself, not a
      // cascade such as "never reached the backend" in every check of a wrong-port config).
      const shown = new Set(checkIds.filter((id) => controlsOf(id).some((c) => c.proxy === proxy)));
      const missing = checkIds.filter((id) => !shown.has(id)).map((id) => `${id} ${proxy}`);
      const listed = Object.keys(notYetShown).filter((pair) => pair.endsWith(` ${proxy}`));
      expect(missing.filter((pair) => !listed.includes(pair)), 'checks never shown failing here and not listed in notYetShown').toEqual([]);
      expect(listed.filter((pair) => !missing.includes(pair)), 'listed in notYetShown but now shown failing: remove the line').toEqual([]);
    });
  }
  test('every control names a catalog entry that declares the check in its Fails line', () => {
    for (const id of checkIds) {
      for (const c of controlsOf(id)) {
        const entry = catalog.find((e) => e.proxy === c.proxy && e.name === c.scenario);
        expect(entry?.fails, `${id}: control ${c.proxy}/${c.scenario}`).toContain(id);
      }
    }
  });
  test('every entry that fails a check has its symptom pinned by a control, and its Symptom line names its Guide section', () => {
    const controlled = new Set(checkIds.flatMap((id) => controlsOf(id).map((c) => `${c.proxy}/${c.scenario}`)));
    for (const entry of catalog.filter((e) => e.proxy !== 'iis' && e.exit === 1)) {
      expect(controlled.has(`${entry.proxy}/${entry.name}`), `${entry.file}: no check names it as a control, so nothing asserts its symptom`).toBe(true);
      expect(entry.symptom, `${entry.file}: the Symptom line quotes another section than "# Guide: ${entry.guide}"`).toContain(`"${entry.guide}"`);
    }
  });
  test('every check is a value with its own id, registered by its own file in tests/', () => {
    for (const id of checkIds) {
      expect(checks[id].id).toBe(id);
      expect(readFileSync(join(repoRoot, 'tests', `${id}.test.ts`), 'utf8'), `tests/${id}.test.ts`).toMatch(/^registerCheck\(\w+\);$/m);
    }
  });
  test('every catalog header names checks that exist', () => {
    for (const entry of catalog.filter((e) => e.proxy !== 'iis')) {
      expect(entry.fails.filter((id) => !(checkIds as string[]).includes(id)), entry.file).toEqual([]);
    }
  });
});
