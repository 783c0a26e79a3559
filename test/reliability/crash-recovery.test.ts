// Crash recovery at the LSP level: the server process is killed mid-session; a supervising test
// client (the restart policy the VS Code client should have: back-off, give up after repeated
// crashes with a clear message) starts a new server, re-opens the documents with their latest
// text, and the diagnostics come back equal to those before the crash.
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, waitFor } from '../helpers/lspClient';

const PY = 'import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n';
const TS = 'import { readFileSync } from "node:fs";\n\nexport async function load(path: string): Promise<string> {\n  return readFileSync(path, "utf8");\n}\n';

interface Policy {
  /** Waits before each successive restart. */
  backoffMs: readonly number[];
  /** More crashes than this within `windowMs` and the server stays down. */
  maxRestarts: number;
  windowMs: number;
}

/** Restarts the server when it dies, re-opening every document with its latest text. */
class Supervisor {
  client!: TestClient;
  state: 'running' | 'restarting' | 'stopped' = 'running';
  message = '';
  readonly crashes: number[] = [];
  readonly restartDelays: number[] = [];
  private readonly docs = new Map<string, { languageId: string; text: string }>();
  private closing = false;

  constructor(private readonly policy: Policy) {}

  async start(): Promise<void> {
    this.client = await TestClient.start({ transport: 'ipc' });
    const client = this.client;
    client.child.once('exit', () => {
      // What vscode-languageclient does when its transport closes: pending requests are rejected.
      client.connection.dispose();
      if (!this.closing) this.crashed().catch((error: unknown) => {
        this.state = 'stopped';
        this.message = `restart failed: ${String(error)}`;
      });
    });
    for (const [name, doc] of this.docs) await this.client.open(name, doc.languageId, doc.text);
    this.state = 'running';
  }

  async open(name: string, languageId: string, text: string): Promise<string> {
    this.docs.set(name, { languageId, text });
    return this.client.open(name, languageId, text);
  }

  /** An edit made while the server may be down is kept, and sent on re-open. */
  async change(name: string, uri: string, text: string): Promise<void> {
    const doc = this.docs.get(name);
    if (doc !== undefined) doc.text = text;
    if (this.state === 'running' && this.client.isRunning) await this.client.change(uri, text);
  }

  kill(): void {
    this.client.child.kill('SIGKILL');
  }

  private async crashed(): Promise<void> {
    const now = Date.now();
    this.crashes.push(now);
    const recent = this.crashes.filter((t) => now - t <= this.policy.windowMs).length;
    if (recent > this.policy.maxRestarts) {
      this.state = 'stopped';
      this.message = `Async Guardrails: the server crashed ${recent} times in the last ${Math.round(this.policy.windowMs / 60_000)} minutes and will not be restarted. See the output; run "Restart Server" to try again.`;
      return;
    }
    this.state = 'restarting';
    const delay = this.policy.backoffMs[Math.min(recent - 1, this.policy.backoffMs.length - 1)];
    this.restartDelays.push(delay);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await this.start();
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.client.stop();
  }
}

function ours(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.source === 'async-guardrails').map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.code)}`);
}

describe('crash recovery over LSP', () => {
  const supervisors: Supervisor[] = [];
  after(async () => {
    await Promise.all(supervisors.map((s) => s.stop()));
  });

  it('a killed server is restarted, documents are re-opened with their latest text, diagnostics return', async () => {
    const supervisor = new Supervisor({ backoffMs: [100, 400, 1600], maxRestarts: 4, windowMs: 180_000 });
    supervisors.push(supervisor);
    await supervisor.start();
    const py = await supervisor.open('crash.py', 'python', PY);
    const ts = await supervisor.open('crash.ts', 'typescript', TS);
    const beforePy = ours(await supervisor.client.diagnostics(py));
    const beforeTs = ours(await supervisor.client.diagnostics(ts));
    assert.ok(beforePy.length > 0 && beforeTs.length > 0, 'the documents have findings to lose');

    const dead = supervisor.client;
    // A request in flight when the server dies must fail, not hang the client forever.
    const inFlight = dead.pull(py).then(
      () => 'answered',
      () => 'rejected',
    );
    supervisor.kill();
    const outcome = await Promise.race([inFlight, new Promise((resolve) => setTimeout(() => resolve('hung'), 5000).unref())]);
    assert.notEqual(outcome, 'hung', 'a request pending on the dead server neither failed nor answered within 5 s of the transport closing');

    // Typed while the server was down: the restarted server must see it.
    const edited = `${PY}\n\nasync def again() -> None:\n    time.sleep(2)\n`;
    await supervisor.change('crash.py', py, edited);
    await waitFor(() => supervisor.client !== dead && supervisor.state === 'running', 'the restarted server', 15_000);
    assert.equal(supervisor.restartDelays[0], 100, 'the first restart waits the first back-off step');
    assert.deepEqual(ours(await supervisor.client.diagnostics(ts)), beforeTs);
    const afterPy = ours(await supervisor.client.diagnostics(py));
    assert.equal(afterPy.length, beforePy.length + 1, `the edit made while the server was down is analysed: ${afterPy.join(', ')}`);
  });

  it('repeated crashes back off, then stop with a clear message', async () => {
    // The product policy would be 4 restarts in 3 minutes; 2 keeps this test short (a server start
    // loads both parsers), the logic is the same.
    const supervisor = new Supervisor({ backoffMs: [50, 200], maxRestarts: 2, windowMs: 180_000 });
    supervisors.push(supervisor);
    await supervisor.start();
    const uri = await supervisor.open('again.ts', 'typescript', TS);
    for (let crash = 1; crash <= 3; crash++) {
      const dead = supervisor.client;
      supervisor.kill();
      if (crash <= 2) {
        await waitFor(() => supervisor.client !== dead && supervisor.state === 'running', `restart ${crash}`, 15_000);
        assert.ok(ours(await supervisor.client.diagnostics(uri)).length > 0, `diagnostics after restart ${crash}`);
      }
    }
    await waitFor(() => supervisor.state === 'stopped', 'the supervisor to give up', 5000);
    assert.deepEqual(supervisor.restartDelays, [50, 200], 'each restart waits longer');
    assert.match(supervisor.message, /crashed 3 times .* will not be restarted/);
    assert.equal(supervisor.client.isRunning, false);
  });
});
