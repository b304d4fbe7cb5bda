// `npm run bench:queue-watch`: how promptly the socket-queue watch thread notices a stalled path
// go quiet while many close witnesses sample this machine's sockets near their thresholds, as the
// idle-timeout-24h check's sockets do when their deadlines cluster. A benchmark that prints
// figures, not a timed test. No Docker (fixtures/runtime/docker/watch-beside-witnesses.ts).
//
// Usage: npm run bench:queue-watch -- [witnesses=300] [background connections=1500] [rounds=5]
import { watchBesideWitnesses } from '../fixtures/runtime/docker/watch-beside-witnesses.ts';

const [witnessCount = 300, background = 1500, rounds = 5] = process.argv.slice(2).map(Number);
const lab = await watchBesideWitnesses(witnessCount, background);
console.log(`one read of this machine's tcp table: ${lab.readMs.toFixed(2)} ms (${background * 2 + witnessCount * 2} loopback sockets open)`);
const quiet: number[] = [];
const late: number[] = [];
const reported: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const r = await lab.round();
  if ('unreported' in r) {
    console.log(`round ${round}: ${r.unreported}`);
    continue;
  }
  quiet.push(r.quietToFilledMs);
  late.push(r.maxLateMs);
  reported.push(r.reportedMs);
  console.log(`round ${round}: reported ${r.reportedMs.toFixed(0)} ms after the witnesses began, ${r.quietToFilledMs.toFixed(0)} ms after the path's last change (400 ms by design); watch samples up to ${r.maxLateMs.toFixed(0)} ms late`);
}
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`${witnessCount} witnesses, ${rounds} rounds: reported ${quiet.length}, p50 ${p50(reported).toFixed(0)} ms and at most ${Math.max(...reported).toFixed(0)} ms after the witnesses began; quiet to reported p50 ${p50(quiet).toFixed(0)} ms, max ${Math.max(...quiet).toFixed(0)} ms; samples late at most ${Math.max(...late).toFixed(0)} ms`);
lab.close();
process.exit(0);
