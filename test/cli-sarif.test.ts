// The CLI's SARIF output checked against the structure SARIF 2.1.0 requires. The official JSON
// schema cannot be downloaded here, so the schema below is a subset written from the SARIF 2.1.0
// specification (OASIS, sections 3.13 sarifLog, 3.14 run, 3.18 tool, 3.19 toolComponent, 3.49
// reportingDescriptor, 3.11 message / multiformatMessageString, 3.27 result, 3.28 location, 3.29
// physicalLocation, 3.4 artifactLocation, 3.30 region): every required property, the enums, the
// minimums, and `additionalProperties: false` where the official schema has it, so a misspelt
// property fails too.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { distDir, repoRoot } from './helpers/engine';

const propertyBag = { type: 'object' };

const message = {
  type: 'object',
  additionalProperties: false,
  properties: { text: { type: 'string' }, markdown: { type: 'string' }, id: { type: 'string' }, arguments: { type: 'array', items: { type: 'string' } }, properties: propertyBag },
  anyOf: [{ required: ['text'] }, { required: ['id'] }],
};

const multiformatMessageString = {
  type: 'object',
  additionalProperties: false,
  properties: { text: { type: 'string' }, markdown: { type: 'string' }, properties: propertyBag },
  required: ['text'],
};

const artifactLocation = {
  type: 'object',
  additionalProperties: false,
  properties: { uri: { type: 'string', format: 'uri-reference' }, uriBaseId: { type: 'string' }, index: { type: 'integer', minimum: -1 }, description: message, properties: propertyBag },
};

const region = {
  type: 'object',
  additionalProperties: false,
  properties: {
    startLine: { type: 'integer', minimum: 1 },
    startColumn: { type: 'integer', minimum: 1 },
    endLine: { type: 'integer', minimum: 1 },
    endColumn: { type: 'integer', minimum: 1 },
    charOffset: { type: 'integer', minimum: -1 },
    charLength: { type: 'integer', minimum: 0 },
    snippet: { type: 'object' },
    message,
    sourceLanguage: { type: 'string' },
    properties: propertyBag,
  },
};

const level = { enum: ['none', 'note', 'warning', 'error'] };

const reportingDescriptor = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    deprecatedIds: { type: 'array', items: { type: 'string' } },
    guid: { type: 'string' },
    name: { type: 'string' },
    shortDescription: multiformatMessageString,
    fullDescription: multiformatMessageString,
    messageStrings: { type: 'object' },
    defaultConfiguration: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, level, rank: { type: 'number', minimum: -1, maximum: 100 }, parameters: propertyBag, properties: propertyBag },
    },
    helpUri: { type: 'string', format: 'uri' },
    help: multiformatMessageString,
    relationships: { type: 'array' },
    properties: propertyBag,
  },
  required: ['id'],
};

const toolComponent = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    semanticVersion: { type: 'string' },
    informationUri: { type: 'string', format: 'uri' },
    rules: { type: 'array', items: reportingDescriptor, uniqueItems: true },
  },
  required: ['name'],
};

const result = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ruleId: { type: 'string' },
    ruleIndex: { type: 'integer', minimum: -1 },
    kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
    level,
    message,
    locations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'integer', minimum: -1 },
          physicalLocation: {
            type: 'object',
            additionalProperties: false,
            properties: { artifactLocation, region, contextRegion: region, address: { type: 'object' }, properties: propertyBag },
            anyOf: [{ required: ['address'] }, { required: ['artifactLocation'] }],
          },
          message,
          properties: propertyBag,
        },
      },
    },
    fixes: { type: 'array' },
    partialFingerprints: { type: 'object' },
    properties: propertyBag,
  },
  required: ['message'],
};

/** The subset of the SARIF 2.1.0 schema our output must satisfy. */
export const SARIF_SUBSET_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { enum: ['2.1.0'] },
    runs: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tool: { type: 'object', additionalProperties: false, properties: { driver: toolComponent, extensions: { type: 'array' }, properties: propertyBag }, required: ['driver'] },
          invocations: { type: 'array' },
          originalUriBaseIds: { type: 'object', additionalProperties: artifactLocation },
          artifacts: { type: 'array' },
          results: { type: ['array', 'null'], items: result },
          columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
          properties: propertyBag,
        },
        required: ['tool'],
      },
    },
    properties: propertyBag,
  },
  required: ['version', 'runs'],
};

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; helpUri: string; help: { markdown?: string }; shortDescription: { text: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }[] }[];
  }[];
}

function sarifOf(args: string[]): { status: number | null; log: SarifLog } {
  const run = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args, '--format', 'sarif'], { cwd: repoRoot, encoding: 'utf8' });
  return { status: run.status, log: JSON.parse(run.stdout) as SarifLog };
}

function validator(): (data: unknown) => string | undefined {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is not installed: the two formats used, checked with the URL parser.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  const validate = ajv.compile(SARIF_SUBSET_SCHEMA);
  return (data) => (validate(data) ? undefined : ajv.errorsText(validate.errors));
}

describe('CLI SARIF output', () => {
  const validate = validator();

  it('the schema subset rejects what SARIF 2.1.0 forbids', () => {
    assert.ok(validate({ version: '2.1.0', runs: [] }) === undefined);
    assert.ok(validate({ version: '2.0.0', runs: [] }) !== undefined, 'wrong version');
    assert.ok(validate({ version: '2.1.0' }) !== undefined, 'runs missing');
    assert.ok(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }) !== undefined, 'driver name missing');
    const withResult = (r: unknown): unknown => ({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [r] }] });
    assert.ok(validate(withResult({ message: { text: 'm' } })) === undefined);
    assert.ok(validate(withResult({ ruleId: 'r' })) !== undefined, 'message missing');
    assert.ok(validate(withResult({ message: { text: 'm' }, level: 'fatal' })) !== undefined, 'bad level');
    assert.ok(validate(withResult({ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 0 } } }] })) !== undefined, 'line 0');
    assert.ok(validate(withResult({ message: { text: 'm' }, mesage: 'typo' })) !== undefined, 'unknown property');
  });

  it('validates for a run with findings in both languages, with rule metadata and help links', () => {
    const { status, log } = sarifOf(['examples']);
    assert.equal(status, 1);
    assert.equal(validate(log), undefined);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'async-guardrails');
    assert.ok(run.results.length > 5);
    const rules = run.tool.driver.rules;
    // Pages of rules still being written may be missing; the rules reported here must have theirs.
    const reported = new Set(['blocking-call-in-async', 'untracked-task', ...run.results.map((r) => r.ruleId)]);
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text.length > 0);
      assert.ok(rule.helpUri.endsWith(`/${rule.id}.md`), rule.helpUri);
      if (!reported.has(rule.id)) continue;
      if (rule.helpUri.startsWith('file:')) assert.ok(existsSync(fileURLToPath(rule.helpUri)), `${rule.helpUri} exists`);
      assert.ok(rule.help.markdown?.startsWith(`# ${rule.id}`), `help of ${rule.id} is its docs page`);
    }
    for (const r of run.results) {
      assert.equal(rules[r.ruleIndex].id, r.ruleId);
      const location = r.locations[0].physicalLocation;
      assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.match(location.artifactLocation.uri, /^examples\//);
    }
    const sleep = run.results.find((r) => r.locations[0].physicalLocation.artifactLocation.uri === 'examples/python/orders.py' && r.locations[0].physicalLocation.region.startLine === 23);
    assert.ok(sleep);
    assert.equal(sleep.level, 'error');
    assert.equal(sleep.locations[0].physicalLocation.region.startColumn, 5);
  });

  it('validates for a clean run, and maps info and hint to note', () => {
    const clean = sarifOf(['examples/python', '--rule', 'blocking-call-in-async=info', '--rule', 'untracked-task=hint']);
    assert.equal(validate(clean.log), undefined);
    const levels = new Set(clean.log.runs[0].results.filter((r) => ['blocking-call-in-async', 'untracked-task'].includes(r.ruleId)).map((r) => r.level));
    assert.deepEqual([...levels], ['note']);
    const empty = sarifOf(['esbuild.mjs', '--rule', 'blocking-call-in-async=off']);
    assert.equal(validate(empty.log), undefined);
  });
});
