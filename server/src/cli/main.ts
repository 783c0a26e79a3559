import { Engine } from '../engine/engine';
async function main(): Promise<void> {
  const engine = await Engine.create();
  const r = engine.analyze({ text: 'import time\nasync def f():\n    time.sleep(1)  # x\n', fileName: 'a.py' });
  console.log(r.findings, r.internalErrors);
  const t = engine.analyze({ text: 'async function f() { /* c */ fs.readFileSync("x") } // y\n', fileName: 'a.ts' });
  console.log(t.findings, t.internalErrors);
}
void main();
