// nested-event-loop (Python): get_event_loop -> get_running_loop (safe), asyncio.run -> await (unsafe).
import { describe, it } from 'node:test';
import { assertFixAll, lines, runCases } from './fixCases';

describe('python nested-event-loop: get_running_loop fix', () => {
  runCases('nested-event-loop', [
    {
      name: 'asyncio.get_event_loop()',
      code: lines('import asyncio', '', 'async def f():', '    loop = asyncio.get_event_loop()', '    return loop'),
      expected: lines('import asyncio', '', 'async def f():', '    loop = asyncio.get_running_loop()', '    return loop'),
      safety: 'safe',
    },
    {
      name: 'an alias',
      code: lines('import asyncio as aio', '', 'async def f():', '    return aio.get_event_loop().time()'),
      expected: lines('import asyncio as aio', '', 'async def f():', '    return aio.get_running_loop().time()'),
    },
    {
      name: 'imported by name: asyncio.get_running_loop with an added import',
      code: lines('from asyncio import get_event_loop', '', 'async def f():', '    return get_event_loop()'),
      expected: lines('from asyncio import get_event_loop', 'import asyncio', '', 'async def f():', '    return asyncio.get_running_loop()'),
      safety: 'safe',
    },
  ]);
});

describe('python nested-event-loop: await instead of running a loop', () => {
  runCases('nested-event-loop', [
    {
      name: 'asyncio.run(coro()) -> await coro()',
      code: lines('import asyncio', '', 'async def f():', '    asyncio.run(g())'),
      expected: lines('import asyncio', '', 'async def f():', '    await g()'),
      safety: 'unsafe',
    },
    {
      name: 'run_until_complete inside an expression',
      code: lines('import asyncio', '', 'async def f(loop):', '    x = loop.run_until_complete(g()) + 1', '    return x'),
      expected: lines('import asyncio', '', 'async def f(loop):', '    x = (await g()) + 1', '    return x'),
    },
    {
      name: 'a non-primary argument is parenthesised',
      code: lines('import asyncio', '', 'async def f(a, b):', '    asyncio.run(a or b)'),
      expected: lines('import asyncio', '', 'async def f(a, b):', '    await (a or b)'),
    },
    {
      name: 'no fix with more arguments',
      code: lines('import asyncio', '', 'async def f():', '    asyncio.run(g(), debug=True)'),
      expected: undefined,
    },
  ]);

  it('fix-all applies only the safe fix and is idempotent', async () => {
    await assertFixAll(
      'nested-event-loop',
      lines('import asyncio', '', 'async def f():', '    asyncio.run(g())', '    return asyncio.get_event_loop()'),
      lines('import asyncio', '', 'async def f():', '    asyncio.run(g())', '    return asyncio.get_running_loop()'),
    );
  });
});
