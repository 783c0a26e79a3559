// unstructured-logging (Python): the f-string -> %-arguments fix, and when it must not be offered.
import { describe, it } from 'node:test';
import { assertFixAll, lines, runCases } from './fixCases';

const HEADER = ['import logging', '', 'logger = logging.getLogger(__name__)', ''];

function logged(...body: string[]): string {
  return lines(...HEADER, 'def f(user, n, d, items):', ...body.map((b) => `    ${b}`));
}

describe('python unstructured-logging: f-string -> % arguments', () => {
  runCases('unstructured-logging', [
    {
      name: 'plain placeholders',
      code: logged('logger.info(f"user {user} has {n} items")'),
      expected: logged('logger.info("user %s has %s items", user, n)'),
      safety: 'safe',
    },
    {
      name: 'conversions !r !s !a',
      code: logged("logger.warning(f'{user!r} {n!s} {d!a}')"),
      expected: logged("logger.warning('%r %s %a', user, n, d)"),
    },
    {
      name: 'literal % and doubled braces',
      code: logged('logger.info(f"{n}% done {{literally}}")'),
      expected: logged('logger.info("%s%% done {literally}", n)'),
    },
    {
      name: 'keeps keyword arguments and other string prefixes',
      code: logged('logger.error(rf"path\\d {user}", exc_info=True)'),
      expected: logged('logger.error(r"path\\d %s", user, exc_info=True)'),
    },
    {
      name: 'logger.log: the message is the second argument',
      code: logged('logger.log(logging.INFO, f"{user} in")'),
      expected: logged('logger.log(logging.INFO, "%s in", user)'),
    },
    {
      name: 'expressions, calls and a tuple',
      code: logged('logging.info(f"{len(items)} {d["k"]} {user, n}")'),
      expected: logged('logging.info("%s %s %s", len(items), d["k"], (user, n))'),
    },
    {
      name: 'triple-quoted',
      code: logged('logger.debug(f"""a {n}', 'b""")'),
      expected: logged('logger.debug("""a %s', 'b""", n)'),
    },
    { name: 'no fix: format spec', code: logged('logger.info(f"{n:>8}")'), expected: undefined },
    { name: 'no fix: self-documenting =', code: logged('logger.info(f"{n=}")'), expected: undefined },
    { name: 'no fix: escape that makes a %', code: logged('logger.info(f"\\x25 {n}")'), expected: undefined },
    { name: 'no fix: positional arguments already follow', code: logged('logger.info(f"{n} %s", user)'), expected: undefined },
    { name: 'no fix: implicit concatenation', code: logged('logger.info(f"{n}" " items")'), expected: undefined },
    { name: 'no fix: % formatting', code: logged('logger.info("%s" % n)'), expected: undefined },
    {
      name: 'no fix: structlog does not %-format',
      code: lines('import structlog', 'log = structlog.get_logger()', 'def f(n):', '    log.info(f"{n}")'),
      expected: undefined,
    },
    {
      name: 'no fix: a logger of unknown kind',
      code: lines('def f(log, n):', '    log.info(f"{n}")'),
      expected: undefined,
    },
  ]);

  it('fix-all converts every f-string message and is idempotent', async () => {
    await assertFixAll(
      'unstructured-logging',
      logged('logger.info(f"a {n}")', 'logger.info(f"b {user!r}")', 'print(f"{n}")'),
      logged('logger.info("a %s", n)', 'logger.info("b %r", user)', 'print(f"{n}")'),
    );
  });
});
