/** What @vscode/test-electron loads in the extension host: runs the suite, fails if any case fails. */
import { runSuite } from './suite';

export async function run(): Promise<void> {
  const results = await runSuite((line) => console.log(line));
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) throw new Error(`${failed.length} extension-host case(s) failed: ${failed.map((r) => r.name).join('; ')}`);
}
