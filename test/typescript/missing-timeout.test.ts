// missing-timeout for TypeScript/JavaScript: the fetch signal fix and the axios timeout fix.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFix, checkFixAllIdempotent, ruleFindings, type FixCase } from './fix-helpers';

const RULE = 'missing-timeout';

const cases: FixCase[] = [
  {
    name: 'fetch without init gets one',
    input: 'export async function f(url: string) {\n  return fetch(url);\n}\n',
    expected: 'export async function f(url: string) {\n  return fetch(url, { signal: AbortSignal.timeout(10000) });\n}\n',
    safety: 'unsafe',
  },
  {
    name: 'an empty init object',
    input: 'fetch("https://a.example", {});\n',
    expected: 'fetch("https://a.example", { signal: AbortSignal.timeout(10000) });\n',
    safety: 'unsafe',
  },
  {
    name: 'merged into a one-line init',
    input: 'fetch("https://a.example", { method: "POST" });\n',
    expected: 'fetch("https://a.example", { method: "POST", signal: AbortSignal.timeout(10000) });\n',
    safety: 'unsafe',
  },
  {
    name: 'merged into a multi-line init with a trailing comma',
    input: 'fetch("https://a.example", {\n  method: "POST",\n  body: "x",\n});\n',
    expected: 'fetch("https://a.example", {\n  method: "POST",\n  body: "x",\n  signal: AbortSignal.timeout(10000),\n});\n',
    safety: 'unsafe',
  },
  {
    name: 'merged into a multi-line init without a trailing comma',
    input: 'fetch("https://a.example", {\n    method: "POST"\n});\n',
    expected: 'fetch("https://a.example", {\n    method: "POST",\n    signal: AbortSignal.timeout(10000)\n});\n',
    safety: 'unsafe',
  },
  {
    name: 'a trailing comma after the only argument',
    input: 'fetch("https://a.example",);\n',
    expected: 'fetch("https://a.example", { signal: AbortSignal.timeout(10000) });\n',
    safety: 'unsafe',
  },
  {
    name: 'the timeout comes from defaultTimeoutSeconds',
    input: 'fetch("https://a.example");\n',
    expected: 'fetch("https://a.example", { signal: AbortSignal.timeout(2500) });\n',
    safety: 'unsafe',
    settings: { ruleOptions: { 'missing-timeout': { defaultTimeoutSeconds: 2.5 } } },
  },
  {
    name: 'axios.get without config',
    fileName: 'example.js',
    input: 'const axios = require("axios");\naxios.get("https://a.example");\n',
    expected: 'const axios = require("axios");\naxios.get("https://a.example", { timeout: 10000 });\n',
    safety: 'unsafe',
  },
  {
    name: 'axios.post config merged',
    input: 'import axios from "axios";\naxios.post("https://a.example", {}, { headers: {} });\n',
    expected: 'import axios from "axios";\naxios.post("https://a.example", {}, { headers: {}, timeout: 10000 });\n',
    safety: 'unsafe',
  },
  {
    name: 'axios.create()',
    input: 'import axios from "axios";\nexport const client = axios.create();\n',
    expected: 'import axios from "axios";\nexport const client = axios.create({ timeout: 10000 });\n',
    safety: 'unsafe',
  },
];

describe('missing-timeout (TypeScript) fixes', () => {
  for (const c of cases) it(c.name, () => checkFix(RULE, c));

  const noFix: { name: string; input: string; fileName?: string }[] = [
    { name: 'AbortSignal is a local name', input: 'const AbortSignal = 1;\nfetch("https://a.example");\n' },
    { name: 'axios.post with only a URL (the config would need data first)', input: 'import axios from "axios";\naxios.post("https://a.example");\n' },
    { name: 'http.get', input: 'import * as http from "node:http";\nhttp.get("http://a.example");\n' },
  ];
  for (const c of noFix) {
    it(`flags without a fix: ${c.name}`, async () => {
      const found = await ruleFindings(RULE, c.input, c.fileName ?? 'example.ts');
      assert.equal(found.length, 1);
      assert.equal(found[0].fixes, undefined);
    });
  }

  it('sits on the callee', async () => {
    const text = 'await fetch(\n  "https://a.example",\n  { method: "GET" },\n);\n';
    const [finding] = await ruleFindings(RULE, text);
    assert.equal(text.slice(finding.start, finding.end), 'fetch');
  });

  it('fix-all with unsafe fixes is idempotent', async () => {
    const fixed = await checkFixAllIdempotent(RULE, 'fetch("a");\nfetch("b", { method: "PUT" });\n');
    assert.equal(fixed, 'fetch("a", { signal: AbortSignal.timeout(10000) });\nfetch("b", { method: "PUT", signal: AbortSignal.timeout(10000) });\n');
  });
});
