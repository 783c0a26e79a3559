// unlabelled-sync-bridge (Python): the label fix, and the allowedModules option.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesModule } from '../../server/src/engine/moduleGlobs';
import { assertFixAll, findings, lines, runCases } from './fixCases';

const LABEL = '# SYNC EXCEPTION HANDLER: <why sync is unavoidable>';

describe('python unlabelled-sync-bridge: insert the label', () => {
  runCases('unlabelled-sync-bridge', [
    {
      name: 'above the statement, with its indentation',
      code: lines('import asyncio', '', 'async def f(x):', '    y = 1', '    return await asyncio.to_thread(g, x)'),
      expected: lines('import asyncio', '', 'async def f(x):', '    y = 1', `    ${LABEL}`, '    return await asyncio.to_thread(g, x)'),
      safety: 'safe',
    },
    {
      name: 'above a compound statement whose header holds the call',
      code: lines('import asyncio', '', 'async def f(x):', '    if x:', '        with await asyncio.to_thread(g, x) as h:', '            pass'),
      expected: lines('import asyncio', '', 'async def f(x):', '    if x:', `        ${LABEL}`, '        with await asyncio.to_thread(g, x) as h:', '            pass'),
    },
    {
      name: 'a multi-line call',
      code: lines('async def f(loop, x):', '    return await loop.run_in_executor(', '        None, g, x', '    )'),
      expected: lines('async def f(loop, x):', `    ${LABEL}`, '    return await loop.run_in_executor(', '        None, g, x', '    )'),
    },
    {
      name: 'keeps CRLF line endings',
      code: 'import asyncio\r\nasync def f():\r\n    await asyncio.to_thread(g)\r\n',
      expected: `import asyncio\r\nasync def f():\r\n    ${LABEL}\r\n    await asyncio.to_thread(g)\r\n`,
    },
    {
      name: 'no fix when the statement does not start its line',
      code: lines('import asyncio', 'async def f():', '    x = 1; await asyncio.to_thread(g)'),
      expected: undefined,
    },
  ]);

  it('fix-all labels two bridges of one statement once, idempotently', async () => {
    await assertFixAll(
      'unlabelled-sync-bridge',
      lines('import asyncio', 'async def f():', '    return (await asyncio.to_thread(g), await asyncio.to_thread(h))'),
      lines('import asyncio', 'async def f():', `    ${LABEL}`, '    return (await asyncio.to_thread(g), await asyncio.to_thread(h))'),
    );
  });
});

describe('python unlabelled-sync-bridge: allowedModules', () => {
  const labelled = lines('import asyncio', 'async def f():', '    # SYNC EXCEPTION HANDLER: sync SDK', '    await asyncio.to_thread(g)');
  const settings = { ruleOptions: { 'unlabelled-sync-bridge': { allowedModules: ['app/sync/**', '*_sync.py'] } } };

  it('flags a labelled bridge outside the allowed modules, without a fix', async () => {
    const found = await findings(labelled, 'unlabelled-sync-bridge', { fileName: '/repo/app/handlers.py', settings });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /allowedModules/);
    assert.deepEqual(found[0].fixes ?? [], []);
  });

  it('accepts a labelled bridge inside them', async () => {
    for (const fileName of ['/repo/app/sync/db.py', 'app/sync/deep/x.py', 'C:\\repo\\app\\sync\\db.py', '/repo/lib/image_sync.py']) {
      assert.equal((await findings(labelled, 'unlabelled-sync-bridge', { fileName, settings })).length, 0, fileName);
    }
  });

  it('still wants the label inside them', async () => {
    const unlabelled = lines('import asyncio', 'async def f():', '    await asyncio.to_thread(g)');
    assert.equal((await findings(unlabelled, 'unlabelled-sync-bridge', { fileName: '/repo/app/sync/db.py', settings })).length, 1);
  });

  it('matches globs against the path or any tail of it', () => {
    assert.ok(matchesModule('/a/b/c.py', ['b/*.py']));
    assert.ok(matchesModule('/a/b/c.py', ['**/c.py']));
    assert.ok(matchesModule('/a/b/c.py', ['c.py']));
    assert.ok(!matchesModule('/a/b/c.py', ['a/*.py']));
    assert.ok(!matchesModule('/a/b/c.py', ['d.py']));
  });
});
