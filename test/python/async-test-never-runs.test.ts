// async-test-never-runs (Python): the mark fix (import reuse and addition), auto mode, test-module detection.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixAll, findings, lines, runCases } from './fixCases';

describe('python async-test-never-runs: add @pytest.mark.asyncio', () => {
  runCases('async-test-never-runs', [
    {
      name: 'reuses import pytest, above the other decorators` def line',
      code: lines('import pytest', '', '@pytest.mark.parametrize("x", [1])', 'async def test_a(x):', '    assert x'),
      expected: lines('import pytest', '', '@pytest.mark.parametrize("x", [1])', '@pytest.mark.asyncio', 'async def test_a(x):', '    assert x'),
      safety: 'safe',
    },
    {
      name: 'adds import pytest in a test module without it',
      fileName: 'tests/test_api.py',
      code: lines('"""Tests."""', 'import os', '', 'async def test_a():', '    assert os'),
      expected: lines('"""Tests."""', 'import os', 'import pytest', '', '@pytest.mark.asyncio', 'async def test_a():', '    assert os'),
    },
    {
      name: 'reuses an alias',
      code: lines('import pytest as pt', '', 'async def test_a():', '    pass'),
      expected: lines('import pytest as pt', '', '@pt.mark.asyncio', 'async def test_a():', '    pass'),
    },
    {
      name: 'reuses from pytest import mark',
      code: lines('from pytest import mark', '', 'class TestA:', '    async def test_a(self):', '        pass'),
      expected: lines('from pytest import mark', '', 'class TestA:', '    @mark.asyncio', '    async def test_a(self):', '        pass'),
    },
    {
      name: 'no fix when the name pytest means something else',
      fileName: 'test_x.py',
      code: lines('pytest = object()', '', 'async def test_a():', '    pass'),
      expected: undefined,
    },
  ]);

  it('fix-all marks every test once and is idempotent', async () => {
    await assertFixAll(
      'async-test-never-runs',
      lines('async def test_a():', '    pass', '', 'async def test_b():', '    pass'),
      lines('import pytest', '@pytest.mark.asyncio', 'async def test_a():', '    pass', '', '@pytest.mark.asyncio', 'async def test_b():', '    pass'),
      { fileName: 'test_two.py' },
    );
  });
});

describe('python async-test-never-runs: when it applies', () => {
  const code = lines('async def test_a():', '    pass');

  it('is silent in auto mode and flags in strict or unset mode', async () => {
    const engineFindings = async (mode?: 'auto' | 'strict'): Promise<number> =>
      (await findings(code, 'async-test-never-runs', { fileName: 'test_mode.py', settings: mode === undefined ? {} : { project: { pytestAsyncioMode: mode } } })).length;
    assert.equal(await engineFindings('auto'), 0);
    assert.equal(await engineFindings('strict'), 1);
    assert.equal(await engineFindings(), 1);
  });

  it('recognises test modules by name and folder', async () => {
    for (const fileName of ['test_a.py', 'a_test.py', 'conftest.py', 'proj/tests/helpers.py', 'C:\\proj\\tests\\x.py']) {
      assert.equal((await findings(code, 'async-test-never-runs', { fileName })).length, 1, fileName);
    }
    for (const fileName of ['service.py', 'proj/testing/x.py', 'contest.py']) {
      assert.equal((await findings(code, 'async-test-never-runs', { fileName })).length, 0, fileName);
    }
  });
});
