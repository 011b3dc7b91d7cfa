import { hrtime } from 'node:process';
import { isPeerName, PEERS } from './breaker-peers.ts';

/**
 * Child process: `breaker-loop.ts <peer> <calls> <warmupCalls>`. Awaits `warmupCalls` then `calls`
 * sequential calls of `async () => 42` through the peer, and prints one JSON line with the mean
 * cost of the timed calls.
 */
const [peer = '', callsArg = '', warmupArg = ''] = process.argv.slice(2);
if (!isPeerName(peer)) throw new Error(`unknown peer '${peer}'`);
const calls = Number(callsArg);
const warmupCalls = Number(warmupArg);

const fn = async (): Promise<number> => 42;
const { call, dispose } = PEERS[peer](fn);
let sum = 0;
for (let i = 0; i < warmupCalls; i++) sum += await call();
const start = hrtime.bigint();
for (let i = 0; i < calls; i++) sum += await call();
const elapsedNs = Number(hrtime.bigint() - start);
dispose();
// Checks every call really ran, and keeps the results alive.
if (sum !== 42 * (calls + warmupCalls)) throw new Error(`${peer}: wrong results (sum ${sum})`);
console.log(JSON.stringify({ peer, calls, warmupCalls, nsPerCall: elapsedNs / calls }));
