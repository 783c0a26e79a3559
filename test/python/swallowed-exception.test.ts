// swallowed-exception (Python): the logger.exception quick fix, and which handlers count as handled.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixAll, findings, lines, runCases } from './fixCases';

const HEADER = ['import logging', '', 'logger = logging.getLogger(__name__)', ''];

describe('python swallowed-exception: logger.exception fix', () => {
  runCases('swallowed-exception', [
    {
      name: 'replaces a lone pass',
      code: lines(...HEADER, 'def f(x):', '    try:', '        g(x)', '    except Exception:', '        pass'),
      expected: lines(...HEADER, 'def f(x):', '    try:', '        g(x)', '    except Exception:', '        logger.exception("Unexpected error in f")'),
      safety: 'unsafe',
    },
    {
      name: 'inserts before the first statement, same indentation',
      code: lines(...HEADER, 'def f(x):', '    try:', '        return g(x)', '    except:', '        # fall back', '        return None'),
      expected: lines(...HEADER, 'def f(x):', '    try:', '        return g(x)', '    except:', '        # fall back', '        logger.exception("Unexpected error in f")', '        return None'),
      safety: 'unsafe',
    },
    {
      name: 'one-line handler',
      code: lines(...HEADER, 'try: g()', 'except Exception: x = 1'),
      expected: lines(...HEADER, 'try: g()', 'except Exception: logger.exception("Unexpected error"); x = 1'),
    },
    {
      name: 'a structlog logger named log',
      code: lines('import structlog', '', 'log = structlog.get_logger()', '', 'async def f():', '    try:', '        await g()', '    except BaseException:', '        ...'),
      expected: lines('import structlog', '', 'log = structlog.get_logger()', '', 'async def f():', '    try:', '        await g()', '    except BaseException:', '        log.exception("Unexpected error in f")'),
    },
    {
      name: 'keeps CRLF line endings',
      code: 'import logging\r\nlogger = logging.getLogger()\r\ntry:\r\n    g()\r\nexcept Exception:\r\n    x = 1\r\n',
      expected: 'import logging\r\nlogger = logging.getLogger()\r\ntry:\r\n    g()\r\nexcept Exception:\r\n    logger.exception("Unexpected error")\r\n    x = 1\r\n',
    },
    {
      name: 'no fix without a module-level logger',
      code: lines('def f():', '    try:', '        g()', '    except Exception:', '        pass'),
      expected: undefined,
    },
    {
      name: 'no fix when the logger name is shadowed in the function',
      code: lines(...HEADER, 'def f(logger):', '    try:', '        g()', '    except Exception:', '        pass'),
      expected: undefined,
    },
  ]);

  it('fix-all leaves unsafe fixes alone and applies them with --unsafe-fixes', async () => {
    const code = lines(...HEADER, 'def f():', '    try:', '        g()', '    except Exception:', '        pass');
    await assertFixAll('swallowed-exception', code, code);
    await assertFixAll('swallowed-exception', code, lines(...HEADER, 'def f():', '    try:', '        g()', '    except Exception:', '        logger.exception("Unexpected error in f")'), { unsafe: true });
  });
});

describe('python swallowed-exception: messages', () => {
  it('distinguishes empty bodies, logging without the exception, and the rest', async () => {
    const code = lines(
      'try:', '    g()', 'except Exception:', '    pass',
      'try:', '    g()', 'except Exception:', '    logger.error("failed")',
      'try:', '    g()', 'except Exception:', '    x = 1',
    );
    const messages = (await findings(code, 'swallowed-exception')).map((f) => f.message);
    assert.equal(messages.length, 3);
    assert.match(messages[0], /empty body/);
    assert.match(messages[1], /logs without the exception/);
    assert.match(messages[2], /neither re-raises nor logs/);
  });

  it('sits on the broad type, or on `except` for a bare handler', async () => {
    const code = lines('try:', '    g()', 'except (KeyError, Exception):', '    pass', 'try:', '    g()', 'except:', '    pass');
    const found = await findings(code, 'swallowed-exception');
    assert.deepEqual(found.map((f) => code.slice(f.start, f.end)), ['Exception', 'except']);
  });
});
