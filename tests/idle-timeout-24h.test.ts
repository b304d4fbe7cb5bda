import { defineCheck } from '../fixtures/harness.ts';
import { idleStarter } from '../fixtures/timeouts/lab-starter.ts';
import { certifyIdle } from '../fixtures/timeouts/idle-check.ts';

const section = /guide: "Connection Drops After a Few Seconds"/.source;

defineCheck(
  'idle-timeout-24h',
  (target) => certifyIdle(idleStarter(target), target.proxy, target.configFile, target.scenario ?? 'shipped'),
  [
    // nginx's 60 s default, measured to within 10 %: proves an unset timeout is written in scaled.
    { proxy: 'nginx', scenario: 'no-timeouts', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? s .*${section}`) },
    // A regex /ws location without timeouts: nginx's 60 s, which a line-based parser once missed.
    { proxy: 'nginx', scenario: 'regex-location-no-timeout', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? s .*${section}`) },
    // Without `timeout tunnel` an upgraded connection falls back to timeout client/server (60 s).
    { proxy: 'haproxy', scenario: 'no-timeout-tunnel', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? s .*${section}`) },
    // `timeout tunnel 24h` on the pages' backend only; the /ws backend falls back to client/server.
    { proxy: 'haproxy', scenario: 'tunnel-timeout-on-other-backend', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? s .*${section}`) },
    // ProxyTimeout 86400, but the WebSocket worker's own ProxySet timeout=3600 governs.
    { proxy: 'apache', scenario: 'worker-timeout-1h', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? min .*${section}`) },
    { proxy: 'caddy', scenario: 'read-timeout-5m', symptom: new RegExp(`closed after (4\\.[5-9]\\d*|5(\\.[0-4]\\d*)?) min .*${section}`) },
    // HAProxy's own WebSocket examples set `timeout tunnel 1h`.
    { proxy: 'haproxy', scenario: 'timeout-tunnel-1h', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? min .*${section}`) },
    // A generic sample's client/server 10 s and no tunnel timeout; Caddy's read_timeout 15s.
    { proxy: 'haproxy', scenario: 'sample-defaults-10s', symptom: new RegExp(`closed after (9(\\.\\d+)?|10(\\.\\d+)?|11) s .*${section}`) },
    { proxy: 'caddy', scenario: 'read-timeout-15s', symptom: new RegExp(`closed after (13\\.[5-9]\\d*|1[45](\\.\\d+)?|16(\\.[0-4]\\d*)?) s .*${section}`) },
    // Caddy 2.7+'s stream_timeout 1h closes every tunnel at an hour of age (run on Caddy 2.11).
    { proxy: 'caddy', scenario: 'stream-timeout-1h', symptom: new RegExp(`closed after (5[4-9]|6[0-6])(\\.\\d+)? min .*${section}`) },
    // 22 h, within 10 % of 24 h: no tolerance lets it pass; the exact run (a coarser scale) says 22 h.
    { proxy: 'nginx', scenario: 'read-timeout-22h', symptom: new RegExp(`closed after (21\\.[5-9]\\d*|22(\\.[0-4]\\d*)?) h .*${section}`) },
    { proxy: 'apache', scenario: 'timeout-5s', symptom: new RegExp(`closed after (4\\.[5-9]\\d*|5(\\.[0-4]\\d*)?) s .*${section}`) },
  ],
);
