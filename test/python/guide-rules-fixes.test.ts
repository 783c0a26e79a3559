// Fixes of the Python guide rules swallowed-cancellation, unshielded-cleanup, unawaited-coroutine,
// prefer-task-group, missing-timeout, untracked-task (TaskGroup / keep-a-reference) and
// blocking-call-in-async (aiofiles): each fix is applied and compared to the exact expected text,
// re-parsed (tree-sitter, and CPython when available) and re-analysed (the fixed finding is gone).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registry } from '../../server/src/engine/registry';
import type { EngineSettings } from '../../server/src/engine/settings';
import type { Finding } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';
import { assertParses, lines, runCases } from './fixCases';

function runCasesWithDefaults(ruleId: string, cases: Parameters<typeof runCases>[1]): void {
  runCases(ruleId, cases, { settings: SETTINGS });
}

const SETTINGS: EngineSettings = { preview: true };

async function findings(code: string, ruleId: string, settings: EngineSettings = SETTINGS): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text: code, fileName: 'example.py', settings });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === ruleId);
}


describe('python fix: swallowed-cancellation', () => {
  runCasesWithDefaults('swallowed-cancellation', [
    {
      name: 're-raises after the last statement, with its indentation',
      code: lines('import asyncio', '', 'async def f(job):', '    try:', '        await job()', '    except asyncio.CancelledError:', '        log("stop")  # note'),
      expected: lines('import asyncio', '', 'async def f(job):', '    try:', '        await job()', '    except asyncio.CancelledError:', '        log("stop")  # note', '        raise'),
      safety: 'unsafe',
    },
    {
      name: 'replaces a final pass / return / continue',
      code: lines('import asyncio', '', 'async def f(job):', '    while True:', '        try:', '            await job()', '        except asyncio.CancelledError:', '            log("x")', '            continue'),
      expected: lines('import asyncio', '', 'async def f(job):', '    while True:', '        try:', '            await job()', '        except asyncio.CancelledError:', '            log("x")', '            raise'),
    },
    {
      name: 'a one-line handler',
      code: lines('import asyncio', '', 'async def f(job):', '    try:', '        await job()', '    except asyncio.CancelledError: log("x")'),
      expected: lines('import asyncio', '', 'async def f(job):', '    try:', '        await job()', '    except asyncio.CancelledError: log("x"); raise'),
    },
    {
      name: 'after a compound last statement',
      code: lines('import asyncio', '', 'async def f(job, a):', '    try:', '        await job()', '    except asyncio.CancelledError:', '        if a:', '            log(a)'),
      expected: lines('import asyncio', '', 'async def f(job, a):', '    try:', '        await job()', '    except asyncio.CancelledError:', '        if a:', '            log(a)', '        raise'),
    },
    {
      name: 'bare except: lets cancellation through first (adds the import)',
      code: lines('async def f(job):', '    try:', '        await job()', '    except:', '        log("failed")'),
      expected: lines('import asyncio', 'async def f(job):', '    try:', '        await job()', '    except asyncio.CancelledError:', '        raise', '    except:', '        log("failed")'),
    },
    {
      name: 'BaseException: the second fix re-raises at the end',
      code: lines('async def f(job):', '    try:', '        await job()', '    except BaseException:', '        log("failed")'),
      fixIndex: 1,
      expected: lines('async def f(job):', '    try:', '        await job()', '    except BaseException:', '        log("failed")', '        raise'),
    },
    {
      name: 'except* keeps the star, tab indentation kept',
      code: lines('import asyncio as aio', '', 'async def f(job):', '\ttry:', '\t\tawait job()', '\texcept* (ValueError, aio.CancelledError):', '\t\tpass'),
      expected: lines('import asyncio as aio', '', 'async def f(job):', '\ttry:', '\t\tawait job()', '\texcept* aio.CancelledError:', '\t\traise', '\texcept* (ValueError, aio.CancelledError):', '\t\tpass'),
    },
    {
      name: 'no fix for contextlib.suppress',
      code: lines('import asyncio', 'import contextlib', '', 'async def f(job):', '    with contextlib.suppress(asyncio.CancelledError):', '        await job()'),
      expected: undefined,
    },
  ]);

  it('treats concurrent.futures.CancelledError and Exception as cancellation only before Python 3.8', async () => {
    const code = lines('import concurrent.futures', '', 'async def f(job):', '    try:', '        await job()', '    except concurrent.futures.CancelledError:', '        pass', '    try:', '        await job()', '    except Exception:', '        pass');
    assert.equal((await findings(code, 'swallowed-cancellation')).length, 0);
    const old = await findings(code, 'swallowed-cancellation', { preview: true, project: { pythonVersion: [3, 7] } });
    assert.equal(old.length, 2);
  });
});

describe('python fix: unshielded-cleanup', () => {
  runCasesWithDefaults('unshielded-cleanup', [
    {
      name: 'wraps the awaited call in asyncio.shield',
      code: lines('import asyncio', '', 'async def f(conn, job):', '    try:', '        await job()', '    finally:', '        await conn.close()'),
      expected: lines('import asyncio', '', 'async def f(conn, job):', '    try:', '        await job()', '    finally:', '        await asyncio.shield(conn.close())'),
      safety: 'unsafe',
    },
    {
      name: 'adds the import, keeps parentheses',
      code: lines('from asyncio import CancelledError', '', 'async def f(conn, job):', '    try:', '        await job()', '    except CancelledError:', '        await (conn.rollback())', '        raise'),
      expected: lines('from asyncio import CancelledError', 'import asyncio', '', 'async def f(conn, job):', '    try:', '        await job()', '    except CancelledError:', '        await (asyncio.shield(conn.rollback()))', '        raise'),
    },
  ]);

  it('is in the preview tier', async () => {
    const code = lines('async def f(conn, job):', '    try:', '        await job()', '    finally:', '        await conn.close()');
    assert.equal((await findings(code, 'unshielded-cleanup', {})).length, 0);
    assert.equal((await findings(code, 'unshielded-cleanup')).length, 1);
  });
});

describe('python fix: unawaited-coroutine', () => {
  runCasesWithDefaults('unawaited-coroutine', [
    {
      name: 'adds await to a statement (safe)',
      code: lines('async def notify():', '    pass', '', 'async def f():', '    notify()'),
      expected: lines('async def notify():', '    pass', '', 'async def f():', '    await notify()'),
      safety: 'safe',
    },
    {
      name: 'return coro() becomes return await coro() (unsafe)',
      code: lines('import asyncio', '', 'async def f():', '    return asyncio.sleep(1)'),
      expected: lines('import asyncio', '', 'async def f():', '    return await asyncio.sleep(1)'),
      safety: 'unsafe',
    },
    { name: 'no fix in sync code', code: lines('async def notify():', '    pass', '', 'def f():', '    notify()'), expected: undefined },
  ]);

  it('goes into fix-all, idempotently', async () => {
    const engine = await testEngine();
    const code = lines('import asyncio', '', 'class S:', '    async def refresh(self):', '        await asyncio.sleep(0)', '', '    async def run(self):', '        self.refresh()', '        asyncio.sleep(1)');
    const settings: EngineSettings = { rules: Object.fromEntries(registry.all().map((r) => [r.id, r.id === 'unawaited-coroutine' ? 'error' : 'off'])) };
    const once = engine.fixAll({ text: code, fileName: 'example.py', settings });
    assert.equal(once.applied, 2);
    assert.match(once.text, /await self\.refresh\(\)\n {8}await asyncio\.sleep\(1\)/);
    await assertParses(once.text);
    assert.equal(engine.fixAll({ text: once.text, fileName: 'example.py', settings }).applied, 0);
  });
});

describe('python fix: prefer-task-group', () => {
  runCasesWithDefaults('prefer-task-group', [
    {
      name: 'a, b = await asyncio.gather(x(), y())',
      code: lines('import asyncio', '', 'async def f(x, y):', '    a, b = await asyncio.gather(x(), y(1))', '    return a, b'),
      expected: lines(
        'import asyncio',
        '',
        'async def f(x, y):',
        '    async with asyncio.TaskGroup() as tg:',
        '        a_task = tg.create_task(x())',
        '        b_task = tg.create_task(y(1))',
        '    a = a_task.result()',
        '    b = b_task.result()',
        '    return a, b',
      ),
      safety: 'unsafe',
    },
    {
      name: 'a statement, nested block, from-import of gather',
      code: lines('from asyncio import gather', '', 'async def f(x, y, go):', '    if go:', '        await gather(x(), y())'),
      expected: lines('from asyncio import gather', 'import asyncio', '', 'async def f(x, y, go):', '    if go:', '        async with asyncio.TaskGroup() as tg:', '            tg.create_task(x())', '            tg.create_task(y())'),
    },
    {
      name: 'picks another group name when tg is taken',
      code: lines('import asyncio', '', 'async def f(x, tg):', '    _, b = await asyncio.gather(x(), tg())', '    return b'),
      expected: lines('import asyncio', '', 'async def f(x, tg):', '    async with asyncio.TaskGroup() as task_group:', '        task_group.create_task(x())', '        b_task = task_group.create_task(tg())', '    b = b_task.result()', '    return b'),
    },
    { name: 'no fix for starred arguments', code: lines('import asyncio', '', 'async def f(x, xs):', '    return await asyncio.gather(*[x(i) for i in xs])'), expected: undefined },
  ]);

  it('is silent below Python 3.11, from the project or the option', async () => {
    const code = lines('import asyncio', '', 'async def f(x, y):', '    await asyncio.gather(x(), y())');
    assert.equal((await findings(code, 'prefer-task-group')).length, 1);
    assert.equal((await findings(code, 'prefer-task-group', { project: { pythonVersion: [3, 10] } })).length, 0);
    assert.equal((await findings(code, 'prefer-task-group', { ruleOptions: { 'prefer-task-group': { targetPython: '3.9' } } })).length, 0);
    assert.equal(
      (await findings(code, 'prefer-task-group', { project: { pythonVersion: [3, 12] }, ruleOptions: { 'prefer-task-group': { targetPython: '3.9' } } })).length,
      1,
    );
  });
});

describe('python fix: missing-timeout', () => {
  runCasesWithDefaults('missing-timeout', [
    {
      name: 'adds timeout= to an httpx request',
      code: lines('import httpx', '', 'async def f(url):', '    async with httpx.AsyncClient() as client:', '        return await client.get(url)'),
      expected: lines('import httpx', '', 'async def f(url):', '    async with httpx.AsyncClient() as client:', '        return await client.get(url, timeout=10)'),
      safety: 'unsafe',
    },
    {
      name: 'uses the defaultTimeoutSeconds option and keeps a trailing comma',
      settings: { ruleOptions: { 'missing-timeout': { defaultTimeoutSeconds: 2.5 } } },
      code: lines('import asyncpg', '', 'async def f(dsn):', '    return await asyncpg.connect(', '        dsn,', '    )'),
      expected: lines('import asyncpg', '', 'async def f(dsn):', '    return await asyncpg.connect(', '        dsn, timeout=2.5,', '    )'),
    },
    {
      name: 'aiohttp gets a ClientTimeout',
      code: lines('import aiohttp', '', 'async def f(url):', '    async with aiohttp.ClientSession() as session:', '        async with session.get(url) as response:', '            return await response.text()'),
      expected: lines('import aiohttp', '', 'async def f(url):', '    async with aiohttp.ClientSession() as session:', '        async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:', '            return await response.text()'),
    },
    {
      name: 'open_connection is wrapped in wait_for',
      code: lines('import asyncio', '', 'async def f():', '    return await asyncio.open_connection("h", 80)'),
      expected: lines('import asyncio', '', 'async def f():', '    return await asyncio.wait_for(asyncio.open_connection("h", 80), timeout=10)'),
    },
  ]);
});

describe('python fix: untracked-task', () => {
  runCasesWithDefaults('untracked-task', [
    {
      name: 'starts the task on the enclosing TaskGroup',
      code: lines('import asyncio', '', 'async def f(events):', '    async with asyncio.TaskGroup() as tg:', '        for e in events:', '            asyncio.create_task(notify(e), name="n")'),
      expected: lines('import asyncio', '', 'async def f(events):', '    async with asyncio.TaskGroup() as tg:', '        for e in events:', '            tg.create_task(notify(e), name="n")'),
      safety: 'unsafe',
    },
    {
      name: 'keeps a reference in a module-level set (adds it once)',
      code: lines('import asyncio', '', '', 'async def f(event):', '    asyncio.create_task(notify(event))  # fire', '    return 1'),
      expected: lines(
        'import asyncio',
        '',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        '',
        'async def f(event):',
        '    task = asyncio.create_task(notify(event))  # fire',
        '    _background_tasks.add(task)',
        '    task.add_done_callback(_background_tasks.discard)',
        '    return 1',
      ),
    },
    {
      name: 'reuses the set and the stored name; picks a free task name',
      code: lines(
        'import asyncio',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        'async def f(task):',
        '    asyncio.ensure_future(notify(task))',
      ),
      expected: lines(
        'import asyncio',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        'async def f(task):',
        '    task_1 = asyncio.ensure_future(notify(task))',
        '    _background_tasks.add(task_1)',
        '    task_1.add_done_callback(_background_tasks.discard)',
      ),
    },
    {
      name: 'a stored but unused task keeps its name',
      code: lines('import asyncio', '', 'async def f(event):', '    pending = asyncio.create_task(notify(event))'),
      expected: lines(
        'import asyncio',
        '',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        'async def f(event):',
        '    pending = asyncio.create_task(notify(event))',
        '    _background_tasks.add(pending)',
        '    pending.add_done_callback(_background_tasks.discard)',
      ),
    },
    {
      name: 'adds import asyncio with the set when asyncio is imported by name only',
      code: lines('from asyncio import create_task', '', 'async def f(event):', '    create_task(notify(event))'),
      expected: lines(
        'from asyncio import create_task',
        'import asyncio',
        '',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        'async def f(event):',
        '    task = create_task(notify(event))',
        '    _background_tasks.add(task)',
        '    task.add_done_callback(_background_tasks.discard)',
      ),
    },
  ]);
});

describe('python fix: blocking-call-in-async -> aiofiles', () => {
  runCasesWithDefaults('blocking-call-in-async', [
    {
      name: 'read and write shapes are awaited',
      code: lines('import json', '', 'async def f(p, q):', '    with open(p) as src:', '        data = src.read()', '    with open(q, "w") as dst:', '        dst.write(data)', '    return json.loads(data)'),
      index: 1,
      expected: lines('import json', 'import aiofiles', '', 'async def f(p, q):', '    with open(p) as src:', '        data = src.read()', '    async with aiofiles.open(q, "w") as dst:', '        await dst.write(data)', '    return json.loads(data)'),
      safety: 'unsafe',
    },
    {
      name: 'no aiofiles rewrite when the file is used otherwise',
      code: lines('import json', '', 'async def f(p):', '    with open(p) as src:', '        return json.load(src)'),
      expected: undefined,
    },
    {
      name: 'Path.read_text goes to a thread',
      code: lines('from pathlib import Path', '', 'async def f(p: Path):', '    return p.read_text()'),
      expected: lines('from pathlib import Path', 'import asyncio', '', 'async def f(p: Path):', '    # SYNC EXCEPTION HANDLER: p.read_text blocks, so it runs in a worker thread', '    return await asyncio.to_thread(p.read_text)'),
    },
  ]);
});
