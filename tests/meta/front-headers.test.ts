import { describe, expect, test } from 'vitest';
import { frontsOf } from '../../fixtures/clients/front.ts';

// Needs: nothing. What `wspc probe` names in front of a site, from response headers as those
// services send them, and the idle limit it then holds the backend's pings to.
describe('what is in front, from response headers', () => {
  test('a CDN or load balancer with a documented idle limit is named with it', () => {
    expect(frontsOf({ 'cf-ray': '8c1f2a3b4c5d6e7f-FRA', server: 'cloudflare' })).toEqual([expect.objectContaining({ name: 'Cloudflare', evidence: 'cf-ray: 8c1f2a3b4c5d6e7f-FRA', idleLimitMs: 100_000 })]);
    expect(frontsOf({ server: 'awselb/2.0' })).toEqual([expect.objectContaining({ name: 'an AWS load balancer (ALB)', idleLimitMs: 60_000 })]);
    expect(frontsOf({ 'x-amz-cf-id': 'abc==', via: '1.1 0123.cloudfront.net (CloudFront)' }).map((f) => f.name)).toEqual(['AWS CloudFront']);
    expect(frontsOf({ via: '1.1 varnish (Varnish/7.1)' })).toEqual([{ name: 'a proxy (Via)', evidence: 'via: 1.1 varnish (Varnish/7.1)' }]);
  });

  test('a proxy without a documented limit is named without one; no headers, nothing', () => {
    expect(frontsOf({ server: 'nginx/1.22.1' })).toEqual([{ name: 'nginx', evidence: 'server: nginx/1.22.1' }]);
    expect(frontsOf({ server: 'Caddy', via: '1.1 Caddy' })).toEqual([{ name: 'Caddy', evidence: 'server: Caddy' }]);
    expect(frontsOf({ 'content-type': 'text/html' })).toEqual([]);
  });
});
