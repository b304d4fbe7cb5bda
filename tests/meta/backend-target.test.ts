import { describe, expect, test } from 'vitest';
import { probeOf, targetOf } from '../../fixtures/backend/records.ts';

/**
 * How the test backend reads a request's target (req.url as Node's HTTP server hands it over). No
 * proxy runs here: the targets are what proxies were seen to forward.
 */
describe('the backend reads a request target as a path', () => {
  test('a path that begins with // is a path, not a host (ONLYOFFICE\'s Apache ProxyPassMatch forwards /x/websocket as //x/websocket)', () => {
    expect(targetOf('//x/websocket').pathname).toBe('//x/websocket');
    expect(probeOf('//x/websocket?probe=p1')).toBe('p1');
  });

  test('an ordinary path and its query', () => {
    const url = targetOf('/ws?probe=p2&deflate=1');
    expect([url.pathname, url.searchParams.get('deflate')]).toEqual(['/ws', '1']);
  });

  test('an absolute-form target keeps its own path', () => {
    expect(targetOf('http://app:5000/ws').pathname).toBe('/ws');
  });
});
