import { defineCheck } from '../fixtures/harness.ts';
import { idleStarter } from '../fixtures/timeouts/lab-starter.ts';
import { checkKeepalive } from '../fixtures/timeouts/keepalive-check.ts';

defineCheck(
  'keepalive',
  (target) => checkKeepalive(idleStarter(target), target.proxy, target.configFile, target.scenario ?? 'shipped'),
  [
    { proxy: 'nginx', scenario: 'read-timeout-5s', symptom: /pings every 25 s the socket still dropped.*idle limit 5 s .*shorter than the ping interval/ },
    { proxy: 'haproxy', scenario: 'sample-defaults-10s', symptom: /pings every 25 s the socket still dropped.*idle limit 10 s .*shorter than the ping interval/ },
    { proxy: 'caddy', scenario: 'read-timeout-15s', symptom: /pings every 25 s the socket still dropped.*idle limit 15 s .*shorter than the ping interval/ },
    { proxy: 'apache', scenario: 'timeout-5s', symptom: /with backend pings every 25 s the socket still dropped after/ },
  ],
);
