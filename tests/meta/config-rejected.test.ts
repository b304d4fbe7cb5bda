import { describe, expect, test } from 'vitest';
import { lab, startScenario, stopTarget } from '../../fixtures/lab/lab.ts';
import { ProxyStartError } from '../../fixtures/runtime/types.ts';

/** Bad input: a config the proxy refuses must stop with the proxy's own message and line, fast. */
const expected: Record<string, RegExp> = {
  nginx: /unknown directive "proxy_sett_header" in \/etc\/nginx\/sites-enabled\/inspect360:\d+/,
  apache: /Syntax error on line \d+ of \/etc\/apache2\/sites-enabled\/inspect360\.conf/,
  caddy: /\/etc\/caddy\/Caddyfile:\d+ - Error during parsing: unrecognized subdirective flush_intervall/,
  haproxy: /parsing \[\/etc\/haproxy\/haproxy\.cfg:\d+\] : unknown option 'forwardfro'/,
};

// Negative controls do not run when checking a customer's config.
if (lab().controls) describe('config-rejected: a config the proxy refuses stops with its own error', () => {
  for (const proxy of new Set(lab().targets.map((t) => t.proxy))) {
    test(`${proxy} syntax error is reported with the proxy's message and line`, async () => {
      const started = Date.now();
      const error = await startScenario(proxy, 'syntax-error').then(
        async (target) => {
          await stopTarget(target);
          return null;
        },
        (e: unknown) => e,
      );
      expect(error, 'the proxy accepted a config with a misspelt directive').toBeInstanceOf(ProxyStartError);
      const message = (error as ProxyStartError).message;
      expect(message).toMatch(expected[proxy]!);
      expect(message).toContain(`proxies/${proxy}/scenarios/syntax-error`);
      console.log(`${proxy}: rejected config reported after ${Date.now() - started} ms`);
    });
  }
});
