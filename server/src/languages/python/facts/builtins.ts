/**
 * The functions and types Python provides without an import (module `builtins`). Exception classes
 * are left out: no rule cares about them, and a shorter list is cheaper to keep right.
 */
export const PYTHON_BUILTINS: ReadonlySet<string> = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod ' +
    'compile complex delattr dict dir divmod enumerate eval exec exit filter float format frozenset ' +
    'getattr globals hasattr hash help hex id input int isinstance issubclass iter len list locals ' +
    'map max memoryview min next object oct open ord pow print property quit range repr reversed ' +
    'round set setattr slice sorted staticmethod str sum super tuple type vars zip __import__'
  ).split(' '),
);
