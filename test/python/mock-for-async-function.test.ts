// mock-for-async-function (Python, preview): the Mock -> AsyncMock quick fix (unsafe), with the
// import it needs, and the cases where no fix can be offered.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findings, lines, runCases } from './fixCases';

const preview = { settings: { preview: true } };
const client = ['class Client:', '    async def get(self):', '        return 1', ''];

describe('python mock-for-async-function: AsyncMock fix', () => {
  runCases(
    'mock-for-async-function',
    [
      {
        name: 'adds AsyncMock to the from-import that brought Mock',
        code: lines('from unittest.mock import Mock, patch', '', ...client, 'def test():', '    c = Client()', '    c.get = Mock(return_value=1)'),
        expected: lines('from unittest.mock import Mock, patch, AsyncMock', '', ...client, 'def test():', '    c = Client()', '    c.get = AsyncMock(return_value=1)'),
        safety: 'unsafe',
      },
      {
        name: 'a parenthesised import with a trailing comma',
        code: lines('from unittest.mock import (', '    MagicMock,', '    patch,', ')', '', ...client, 'def test():', '    with patch.object(Client, "get", new_callable=MagicMock):', '        pass'),
        expected: lines('from unittest.mock import (', '    MagicMock,', '    patch, AsyncMock,', ')', '', ...client, 'def test():', '    with patch.object(Client, "get", new_callable=AsyncMock):', '        pass'),
      },
      {
        name: 'AsyncMock already imported',
        code: lines('from unittest.mock import AsyncMock, Mock', '', ...client, 'Client.get = Mock()'),
        expected: lines('from unittest.mock import AsyncMock, Mock', '', ...client, 'Client.get = AsyncMock()'),
      },
      {
        name: 'an alias of MagicMock',
        code: lines('from mock import MagicMock as MM', '', ...client, 'Client.get = MM()'),
        expected: lines('from mock import MagicMock as MM, AsyncMock', '', ...client, 'Client.get = AsyncMock()'),
      },
      {
        name: 'through the module: mock.Mock -> mock.AsyncMock',
        code: lines('from unittest import mock', '', ...client, 'def test():', '    with mock.patch.object(Client, "get", new=mock.Mock()):', '        pass'),
        expected: lines('from unittest import mock', '', ...client, 'def test():', '    with mock.patch.object(Client, "get", new=mock.AsyncMock()):', '        pass'),
      },
      {
        name: "pytest-mock's mocker.MagicMock",
        code: lines(...client, 'def test(mocker):', '    mocker.patch.object(Client, "get", new=mocker.MagicMock())'),
        expected: lines(...client, 'def test(mocker):', '    mocker.patch.object(Client, "get", new=mocker.AsyncMock())'),
      },
      {
        name: 'no fix when AsyncMock means something else here',
        code: lines('from unittest.mock import Mock', 'from helpers import AsyncMock', '', ...client, 'Client.get = Mock()'),
        expected: undefined,
      },
    ],
    preview,
  );
});

describe('python mock-for-async-function: scope', () => {
  it('is in the preview tier: off unless enabled', async () => {
    const code = lines('from unittest.mock import Mock', '', ...client, 'Client.get = Mock()');
    assert.equal((await findings(code, 'mock-for-async-function')).length, 0);
    assert.equal((await findings(code, 'mock-for-async-function', preview)).length, 1);
  });

  it('is quiet for a project on Python before 3.8 (no AsyncMock there)', async () => {
    const code = lines('from unittest.mock import Mock', '', ...client, 'Client.get = Mock()');
    const old = await findings(code, 'mock-for-async-function', { settings: { preview: true, project: { pythonVersion: [3, 7] } } });
    assert.equal(old.length, 0);
  });

  it('sits on the mock class, not the statement', async () => {
    const code = lines('from unittest.mock import Mock', '', ...client, 'Client.get = Mock(return_value=1)');
    const [finding] = await findings(code, 'mock-for-async-function', preview);
    assert.equal(code.slice(finding.start, finding.end), 'Mock');
    assert.match(finding.message, /AsyncMock/);
  });
});
