// The Python fixes of blocking-call-in-async and untracked-task: each is applied and the result is
// compared to the exact expected text, re-parsed (tree-sitter, and CPython when available) and
// re-analysed (the fixed finding is gone). Fix-all must add one import and be idempotent.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registry } from '../../server/src/engine/registry';
import type { RuleLevel } from '../../server/src/engine/settings';
import type { Finding } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';
import { assertParses, lines, runCases } from './fixCases';

async function findings(code: string, ruleId: string): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text: code, fileName: 'example.py' });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === ruleId);
}


describe('python fix: time.sleep -> await asyncio.sleep', () => {
  runCases('blocking-call-in-async', [
    {
      name: 'adds the import after the existing imports',
      code: lines('import time', '', '', 'async def poll():', '    time.sleep(0.5)'),
      expected: lines('import time', 'import asyncio', '', '', 'async def poll():', '    await asyncio.sleep(0.5)'),
      safety: 'safe',
    },
    {
      name: 'reuses an existing import asyncio',
      code: lines('import asyncio', 'import time', '', 'async def poll():', '    time.sleep(1)'),
      expected: lines('import asyncio', 'import time', '', 'async def poll():', '    await asyncio.sleep(1)'),
      safety: 'safe',
    },
    {
      name: 'reuses an asyncio alias',
      code: lines('import asyncio as aio', 'from time import sleep as nap', '', 'async def poll():', '    nap(1)'),
      expected: lines('import asyncio as aio', 'from time import sleep as nap', '', 'async def poll():', '    await aio.sleep(1)'),
    },
    {
      name: 'reuses an import asyncio made in the function',
      code: lines('import time', '', 'async def poll():', '    import asyncio', '    time.sleep(1)'),
      expected: lines('import time', '', 'async def poll():', '    import asyncio', '    await asyncio.sleep(1)'),
    },
    {
      name: 'parenthesises inside a larger expression',
      code: lines('import time', '', 'async def f():', '    x = time.sleep(1) or 2', '    return x'),
      expected: lines('import time', 'import asyncio', '', 'async def f():', '    x = (await asyncio.sleep(1)) or 2', '    return x'),
    },
    {
      name: 'parenthesises a method receiver',
      code: lines('import time', '', 'async def f():', '    return time.sleep(1).__class__'),
      expected: lines('import time', 'import asyncio', '', 'async def f():', '    return (await asyncio.sleep(1)).__class__'),
    },
    {
      name: 'no parentheses where await fits as is',
      code: lines('import time', '', 'async def f(log):', '    x = time.sleep(1)', '    log(time.sleep(2), k=time.sleep(3))', '    return time.sleep(4)'),
      index: 1,
      expected: lines('import time', 'import asyncio', '', 'async def f(log):', '    x = time.sleep(1)', '    log(await asyncio.sleep(2), k=time.sleep(3))', '    return time.sleep(4)'),
    },
    {
      name: 'keyword argument value',
      code: lines('import time', '', 'async def f(log):', '    log(k=time.sleep(3))'),
      expected: lines('import time', 'import asyncio', '', 'async def f(log):', '    log(k=await asyncio.sleep(3))'),
    },
    {
      name: 'an already awaited call gets no second await',
      code: lines('import time', '', 'async def f():', '    await time.sleep(1)'),
      expected: lines('import time', 'import asyncio', '', 'async def f():', '    await asyncio.sleep(1)'),
    },
    {
      name: 'list comprehension',
      code: lines('import time', '', 'async def f(xs):', '    return [time.sleep(x) for x in xs]'),
      expected: lines('import time', 'import asyncio', '', 'async def f(xs):', '    return [await asyncio.sleep(x) for x in xs]'),
      safety: 'safe',
    },
    {
      name: 'generator expression: unsafe (it would become an async generator)',
      code: lines('import time', '', 'async def f(xs):', '    return list(time.sleep(x) for x in xs)'),
      expected: lines('import time', 'import asyncio', '', 'async def f(xs):', '    return list(await asyncio.sleep(x) for x in xs)'),
      safety: 'unsafe',
    },
    {
      name: 'after the docstring and __future__ imports',
      code: lines('"""Module docs."""', 'from __future__ import annotations', '', 'import time', '# trailing comment', 'async def f():', '    time.sleep(1)'),
      expected: lines('"""Module docs."""', 'from __future__ import annotations', '', 'import time', 'import asyncio', '# trailing comment', 'async def f():', '    await asyncio.sleep(1)'),
    },
    {
      name: 'stops at the first statement that is not an import',
      code: lines('"""Docs."""', 'from time import sleep', 'x = 1', 'import os', 'async def f():', '    sleep(1)'),
      expected: lines('"""Docs."""', 'from time import sleep', 'import asyncio', 'x = 1', 'import os', 'async def f():', '    await asyncio.sleep(1)'),
    },
    {
      name: 'multi-line arguments are kept',
      code: lines('import time', '', 'async def f():', '    time.sleep(', '        1,  # seconds', '    )'),
      expected: lines('import time', 'import asyncio', '', 'async def f():', '    await asyncio.sleep(', '        1,  # seconds', '    )'),
    },
    {
      name: 'keeps CRLF line endings',
      code: 'import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n',
      expected: 'import time\r\nimport asyncio\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n',
    },
    {
      name: 'no fix when the name asyncio means something else',
      code: lines('import time', '', 'async def f(asyncio):', '    time.sleep(1)'),
      expected: undefined,
    },
  ]);
});

describe('python fix: blocking call -> await asyncio.to_thread', () => {
  runCases('blocking-call-in-async', [
    {
      name: 'requests with keyword arguments',
      code: lines('import requests', '', 'async def load(url):', '    response = requests.get(url, timeout=5)', '    return response.text'),
      expected: lines('import requests', 'import asyncio', '', 'async def load(url):', '    # SYNC EXCEPTION HANDLER: requests.get blocks, so it runs in a worker thread', '    response = await asyncio.to_thread(requests.get, url, timeout=5)', '    return response.text'),
      safety: 'unsafe',
    },
    {
      name: 'result used as a receiver',
      code: lines('import asyncio', 'import requests', '', 'async def load(url):', '    return requests.get(url).text'),
      expected: lines('import asyncio', 'import requests', '', 'async def load(url):', '    # SYNC EXCEPTION HANDLER: requests.get blocks, so it runs in a worker thread', '    return (await asyncio.to_thread(requests.get, url)).text'),
    },
    {
      name: 'callee kept as written',
      code: lines('from subprocess import run as sh', '', 'async def f():', '    sh(["ls"], check=True)'),
      expected: lines('from subprocess import run as sh', 'import asyncio', '', 'async def f():', '    # SYNC EXCEPTION HANDLER: sh blocks, so it runs in a worker thread', '    await asyncio.to_thread(sh, ["ls"], check=True)'),
    },
    {
      name: 'no arguments',
      code: lines('import httpx', '', 'async def f():', '    httpx.get( )'),
      expected: lines('import httpx', 'import asyncio', '', 'async def f():', '    # SYNC EXCEPTION HANDLER: httpx.get blocks, so it runs in a worker thread', '    await asyncio.to_thread(httpx.get)'),
    },
    {
      name: 'a generator argument gets its own parentheses',
      code: lines('import subprocess', '', 'async def f(parts):', '    subprocess.run(p for p in parts)'),
      expected: lines('import subprocess', 'import asyncio', '', 'async def f(parts):', '    # SYNC EXCEPTION HANDLER: subprocess.run blocks, so it runs in a worker thread', '    await asyncio.to_thread(subprocess.run, (p for p in parts))'),
    },
    {
      name: 'multi-line arguments',
      code: lines('import os', '', 'async def f():', '    os.system(', '        "true"', '    )'),
      expected: lines('import os', 'import asyncio', '', 'async def f():', '    # SYNC EXCEPTION HANDLER: os.system blocks, so it runs in a worker thread', '    await asyncio.to_thread(os.system, "true"', '    )'),
    },
    {
      name: 'open assigned to a name',
      code: lines('async def f(p):', '    handle = open(p, "rb")', '    return handle'),
      expected: lines('import asyncio', 'async def f(p):', '    # SYNC EXCEPTION HANDLER: open blocks, so it runs in a worker thread', '    handle = await asyncio.to_thread(open, p, "rb")', '    return handle'),
    },
    {
      name: 'before the first statement, after a shebang and an encoding comment',
      code: lines('#!/usr/bin/env python3', '# -*- coding: utf-8 -*-', '', 'async def f(p):', '    return open(p, "rb")'),
      expected: lines('#!/usr/bin/env python3', '# -*- coding: utf-8 -*-', '', 'import asyncio', 'async def f(p):', '    # SYNC EXCEPTION HANDLER: open blocks, so it runs in a worker thread', '    return await asyncio.to_thread(open, p, "rb")'),
    },
    {
      name: 'after a lone docstring',
      code: lines('"""Docs."""', '', 'async def f(p):', '    return open(p, "rb")'),
      expected: lines('"""Docs."""', 'import asyncio', '', 'async def f(p):', '    # SYNC EXCEPTION HANDLER: open blocks, so it runs in a worker thread', '    return await asyncio.to_thread(open, p, "rb")'),
    },
    {
      name: 'open as a context manager gets the aiofiles rewrite, not to_thread',
      code: lines('async def f(p):', '    with open(p) as handle:', '        return handle.read()'),
      expected: lines('import aiofiles', 'async def f(p):', '    async with aiofiles.open(p) as handle:', '        return await handle.read()'),
    },
    { name: 'no fix for open(...).read()', code: lines('async def f(p):', '    return open(p).read()'), expected: undefined },
    {
      name: 'a call passed to to_thread becomes function and arguments',
      code: lines('import asyncio', 'import requests', '', 'async def f(url):', '    return await asyncio.to_thread(requests.get(url, timeout=5))'),
      expected: lines('import asyncio', 'import requests', '', 'async def f(url):', '    return await asyncio.to_thread(requests.get, url, timeout=5)'),
      safety: 'unsafe',
    },
    {
      name: 'no rewrite when more arguments follow the call passed to to_thread',
      code: lines('import asyncio', 'import requests', '', 'async def f(url):', '    return await asyncio.to_thread(requests.get(url), 5)'),
      expected: undefined,
    },
    {
      name: 'a call passed to run_in_executor becomes function and arguments',
      code: lines('import asyncio', 'import time', '', 'async def f():', '    loop = asyncio.get_running_loop()', '    await loop.run_in_executor(None, time.sleep(1))'),
      expected: lines('import asyncio', 'import time', '', 'async def f():', '    loop = asyncio.get_running_loop()', '    await loop.run_in_executor(None, time.sleep, 1)'),
    },
  ]);
});

describe('python fix: untracked-task -> await', () => {
  runCases('untracked-task', [
    {
      name: 'awaits a dropped task in an async function',
      fixIndex: 1,
      code: lines('import asyncio', '', 'async def handle(event):', '    asyncio.create_task(notify(event))'),
      expected: lines('import asyncio', '', 'async def handle(event):', '    await asyncio.create_task(notify(event))'),
      safety: 'unsafe',
    },
    {
      name: 'awaits a dropped loop task',
      fixIndex: 1,
      code: lines('import asyncio', '', 'async def handle(event):', '    asyncio.get_running_loop().create_task(notify(event))'),
      expected: lines('import asyncio', '', 'async def handle(event):', '    await asyncio.get_running_loop().create_task(notify(event))'),
    },
    {
      name: 'no await in sync code, but a reference can be kept',
      code: lines('import asyncio', '', 'def handle(event):', '    asyncio.ensure_future(notify(event))'),
      expected: lines(
        'import asyncio',
        '',
        '_background_tasks: set[asyncio.Task[object]] = set()',
        '',
        'def handle(event):',
        '    task = asyncio.ensure_future(notify(event))',
        '    _background_tasks.add(task)',
        '    task.add_done_callback(_background_tasks.discard)',
      ),
    },
    { name: 'no fix at module level', code: lines('import asyncio', 'asyncio.create_task(main())'), expected: undefined },
  ]);
});

/** Settings with every rule but `ruleId` off, so fix-all counts only that rule's fixes. */
function only(ruleId: string): { rules: Record<string, RuleLevel> } {
  return { rules: Object.fromEntries(registry.all().map((r) => [r.id, r.id === ruleId ? 'error' : 'off'])) };
}

describe('python fix-all', () => {
  const settings = only('blocking-call-in-async');
  const code = lines(
    '"""Pollers."""',
    'import time',
    'import requests',
    '',
    '',
    'async def first():',
    '    time.sleep(1)',
    '    time.sleep(2)',
    '',
    '',
    'async def second(url):',
    '    x = time.sleep(3) or 1',
    '    requests.get(url)',
    '    return x',
  );

  it('adds exactly one import and applies only safe fixes', async () => {
    const engine = await testEngine();
    const { text, applied } = engine.fixAll({ text: code, fileName: 'pollers.py', settings });
    assert.equal(applied, 3);
    assert.equal(
      text,
      lines(
        '"""Pollers."""',
        'import time',
        'import requests',
        'import asyncio',
        '',
        '',
        'async def first():',
        '    await asyncio.sleep(1)',
        '    await asyncio.sleep(2)',
        '',
        '',
        'async def second(url):',
        '    x = (await asyncio.sleep(3)) or 1',
        '    requests.get(url)',
        '    return x',
      ),
    );
    assert.equal(text.match(/^import asyncio$/gm)?.length, 1);
    await assertParses(text);
    const remaining = await findings(text, 'blocking-call-in-async');
    assert.deepEqual(
      remaining.map((f) => text.slice(f.start, f.end)),
      ['requests.get(url)'],
    );
  });

  it('is idempotent', async () => {
    const engine = await testEngine();
    const once = engine.fixAll({ text: code, fileName: 'pollers.py', settings }).text;
    const twice = engine.fixAll({ text: once, fileName: 'pollers.py', settings });
    assert.equal(twice.applied, 0);
    assert.equal(twice.text, once);
  });

  it('with unsafe fixes, still one import', async () => {
    const engine = await testEngine();
    const { text } = engine.fixAll({ text: code, fileName: 'pollers.py', settings }, { unsafe: true });
    assert.equal(text.match(/^import asyncio$/gm)?.length, 1);
    assert.match(text, /await asyncio\.to_thread\(requests\.get, url\)/);
    await assertParses(text);
    assert.deepEqual(await findings(text, 'blocking-call-in-async'), []);
    assert.equal(engine.fixAll({ text, fileName: 'pollers.py', settings }, { unsafe: true }).applied, 0);
  });

  it('gives every finding of a file the same import edit', async () => {
    const all = await findings(code, 'blocking-call-in-async');
    const importEdits = all.map((f) => JSON.stringify(f.fixes?.[0]?.edits.find((e) => e.newText.includes('import asyncio'))));
    assert.equal(all.length, 4);
    assert.equal(new Set(importEdits).size, 1);
  });
});
