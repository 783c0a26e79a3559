// swallowed-exception for TypeScript/JavaScript: the rethrow fix and the messages.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFix, checkFixAllIdempotent, ruleFindings, type FixCase } from './fix-helpers';

const RULE = 'swallowed-exception';

const cases: FixCase[] = [
  {
    name: 'an empty one-line catch without a binding',
    input: 'try {\n  run();\n} catch {}\n',
    expected: 'try {\n  run();\n} catch (error) { throw error; }\n',
    safety: 'unsafe',
  },
  {
    name: 'an empty multi-line catch with a binding keeps its indentation',
    input: 'function f() {\n  try {\n    run();\n  } catch (e) {\n  }\n}\n',
    expected: 'function f() {\n  try {\n    run();\n  } catch (e) {\n    throw e;\n  }\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'a catch that ignores the error: rethrow after its statements',
    input: 'async function f() {\n  try {\n    await run();\n  } catch (err) {\n    cleanup();\n  }\n}\n',
    expected: 'async function f() {\n  try {\n    await run();\n  } catch (err) {\n    cleanup();\n    throw err;\n  }\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'a binding name that the block already uses is avoided',
    input: 'const error = 1;\ntry {\n  run();\n} catch {\n  use(error);\n}\n',
    expected: 'const error = 1;\ntry {\n  run();\n} catch (err) {\n  use(error);\n  throw err;\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'one-line non-empty catch',
    input: 'try { run(); } catch { cleanup(); }\n',
    expected: 'try { run(); } catch (error) { cleanup(); throw error; }\n',
    safety: 'unsafe',
  },
  {
    name: 'CRLF',
    input: 'try {\r\n  run();\r\n} catch (e) {\r\n}\r\n',
    expected: 'try {\r\n  run();\r\n} catch (e) {\r\n  throw e;\r\n}\r\n',
    safety: 'unsafe',
  },
];

describe('swallowed-exception (TypeScript) fixes', () => {
  for (const c of cases) it(c.name, () => checkFix(RULE, c));

  it('no fix for a destructured binding or a do-nothing .catch handler', async () => {
    const found = await ruleFindings(RULE, 'try { run(); } catch ({ message }) {}\np.catch(() => {});\n');
    assert.equal(found.length, 2);
    assert.deepEqual(found.map((f) => f.fixes ?? []), [[], []]);
  });

  it('gives swallowed aborts their own message', async () => {
    const text = 'export async function f(url: string, { signal }: { signal: AbortSignal }) {\n  try {\n    await fetch(url, { signal });\n  } catch {}\n}\n';
    const [finding] = await ruleFindings(RULE, text);
    assert.match(finding.message, /AbortError/);
    assert.equal(text.slice(finding.start, finding.end), 'catch');
  });

  it('sits on the handler of a do-nothing .catch', async () => {
    const text = 'p.catch(() => {});\n';
    const [finding] = await ruleFindings(RULE, text);
    assert.equal(text.slice(finding.start, finding.end), '() => {}');
  });

  it('fix-all with unsafe fixes is idempotent', async () => {
    const fixed = await checkFixAllIdempotent(RULE, 'try { a(); } catch {}\ntry { b(); } catch (e) {}\n');
    assert.equal(fixed, 'try { a(); } catch (error) { throw error; }\ntry { b(); } catch (e) { throw e; }\n');
  });
});
