import { atMostAtOnce } from '../fixtures/at-once.ts';
import { notify } from '../fixtures/clients/backend-api.ts';
import { httpsRequest } from '../fixtures/clients/https-client.ts';
import { freshSession } from '../fixtures/clients/session.ts';
import { describeAttempt, nextMessage, openSocket } from '../fixtures/clients/ws-client.ts';
import { defineCheck, outcome, type CheckOutcome } from '../fixtures/harness.ts';
import { lab, labTurns } from '../fixtures/lab/lab.ts';
import type { Target } from '../fixtures/lab/target.ts';

/**
 * A push through a proxy on loopback takes a few milliseconds. 200 ms is the delayed-ACK interval
 * that Nagle's algorithm or a flush timer would add, so a median above it means something held
 * the message back, far beyond scheduling noise on a busy CI machine.
 */
const PUSH_BOUND_MS = 200;
const PUSHES = 5;
/**
 * The backend streams CHUNKS chunks INTERVAL_MS apart under /ws; unbuffered, they arrive spread over
 * about 1.2 s, buffered all at once (0 ms measured with nginx's proxy_buffering on). The bound is
 * half the span: a stalled client event loop can only merge reads and shorten the spread by the
 * stall, and a 600 ms stall is beyond the worst timer lateness a 10-run `npm run soak` showed
 * (424 ms, p99 under 27 ms).
 */
const CHUNKS = 4;
const INTERVAL_MS = 400;
const MIN_SPREAD_MS = ((CHUNKS - 1) * INTERVAL_MS) / 2;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

defineCheck(
  'no-buffering',
  // A latency verdict: it takes a quiet turn (no container start, browser session or idle
  // socket's handshake beside it), and at most 8 columns measure at once.
  (target) => labTurns().quiet(() => fewAtOnce(() => measureStreaming(target))),
  [{ proxy: 'nginx', scenario: 'buffering-on', symptom: /was buffered/ }],
);

const fewAtOnce = atMostAtOnce(8);

async function measureStreaming(target: Target): Promise<CheckOutcome> {
    const ca = lab().certs.caPem;
    const { user, cookie } = await freshSession(target, 'no-buffering');
    const attempt = await openSocket(target, { ca, cookie, path: target.wsPath });
    if (!attempt.ws) return outcome.fail(`socket did not open: ${describeAttempt(attempt)}`);
    const latencies: number[] = [];
    try {
      await nextMessage(attempt.ws, (m) => m.type === 'welcome', 3000);
      for (let i = 0; i < PUSHES; i++) {
        const arrived = nextMessage<{ type: string; message: string; sentAt: number }>(attempt.ws, (m) => m.message === `push ${i}`, 3000);
        await notify(user, `push ${i}`);
        const msg = await arrived;
        if (!msg) return outcome.fail(`a notification pushed by the backend never reached the client within 3 s`);
        latencies.push(Date.now() - msg.sentAt);
      }
    } finally {
      attempt.ws.close();
    }
    const push = median(latencies);
    if (push > PUSH_BOUND_MS) return outcome.fail(`pushed notifications took ${push} ms (median of ${PUSHES}), bound ${PUSH_BOUND_MS} ms`);

    const stream = await httpsRequest(target, `${target.wsPath}/stream?probe=no-buffering&chunks=${CHUNKS}&intervalMs=${INTERVAL_MS}`, { ca });
    if (stream.status !== 200) return outcome.fail(`streamed response under /ws answered HTTP ${stream.status}`);
    const spread = stream.chunkTimes.at(-1)! - stream.chunkTimes[0]!;
    const streamed = `${CHUNKS} chunks sent over ${(CHUNKS - 1) * INTERVAL_MS} ms arrived over ${spread.toFixed(0)} ms in ${stream.chunkTimes.length} read(s)`;
    if (spread < MIN_SPREAD_MS) return outcome.fail(`response under /ws was buffered: ${streamed} (push median ${push} ms)`);
    return outcome.pass(`push median ${push} ms (bound ${PUSH_BOUND_MS} ms); ${streamed}`, { figure: `push ${push} ms` });
}
