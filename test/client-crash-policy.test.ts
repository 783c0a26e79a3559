// The VS Code client's answer to a crashing server: growing pauses, then giving up with a message.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACK_OFF_MS, CRASH_WINDOW_MS, CrashPolicy, crashMessage, MAX_CRASHES } from '../client/src/crashPolicy';

describe('client crash policy', () => {
  it('restarts with growing pauses and gives up after repeated crashes in the window', () => {
    let now = 0;
    const policy = new CrashPolicy(() => now);
    const pauses: number[] = [];
    for (let i = 1; i < MAX_CRASHES; i++) {
      const decision = policy.crashed();
      assert.ok('restartInMs' in decision);
      pauses.push(decision.restartInMs);
      now += 1_000;
    }
    assert.deepEqual(pauses, BACK_OFF_MS.slice(0, MAX_CRASHES - 1));
    const last = policy.crashed();
    assert.ok('giveUp' in last);
    assert.match(crashMessage(last), /crashed 5 times in 3 minutes and will not be restarted/);
  });

  it('forgets crashes older than the window, and after a deliberate restart', () => {
    let now = 0;
    const policy = new CrashPolicy(() => now);
    for (let i = 0; i < MAX_CRASHES - 1; i++) policy.crashed();
    now += CRASH_WINDOW_MS + 1;
    const decision = policy.crashed();
    assert.ok('restartInMs' in decision && decision.crash === 1);
    assert.match(crashMessage(decision), /restarting in 0.5 s \(crash 1 of 5\)/);
    for (let i = 0; i < MAX_CRASHES - 2; i++) policy.crashed();
    policy.reset();
    assert.equal(policy.crashed().crash, 1);
  });
});
