// Generated corpora of realistic async service code: handlers, clients, workers and tests, in
// Python (asyncio) and TypeScript (promises, AbortSignal, worker threads), with a known share of
// planted violations. Deterministic: the same size always writes the same files.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface Corpus {
  language: 'python' | 'typescript';
  dir: string;
  files: number;
  lines: number;
  /** Violations planted on purpose (what our rules should find, at least). */
  planted: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ['handler', 'client', 'worker', 'test'] as const;
type Kind = (typeof KINDS)[number];
const NOUNS = ['order', 'invoice', 'user', 'payment', 'shipment', 'report', 'session', 'ticket', 'metric', 'message'];

/** Share of functions that get a planted violation. */
const VIOLATION_SHARE = 0.2;

// ---------------------------------------------------------------- Python

function pyFunction(kind: Kind, noun: string, index: number, violate: number | undefined): string[] {
  const name = `${kind === 'test' ? 'test_' : ''}${noun}_${kind}_${index}`;
  const body: string[] = [];
  switch (kind) {
    case 'handler':
      body.push(
        `async def ${name}(request: dict[str, str], client: httpx.AsyncClient) -> dict[str, object]:`,
        `    """Handle a ${noun} request: validate, load, respond."""`,
        `    ${noun}_id = request.get("id", "")`,
        `    if not ${noun}_id:`,
        `        return {"status": 400, "error": "missing id"}`,
        `    response = await client.get(f"/api/${noun}s/{${noun}_id}", timeout=5.0)`,
        `    payload = response.json()`,
        `    logger.info("${noun} loaded", extra={"${noun}_id": ${noun}_id})`,
      );
      break;
    case 'client':
      body.push(
        `async def ${name}(client: httpx.AsyncClient, items: list[str]) -> list[dict[str, object]]:`,
        `    """Fetch ${noun}s concurrently in a task group."""`,
        `    results: list[dict[str, object]] = []`,
        `    async with asyncio.TaskGroup() as group:`,
        `        tasks = [group.create_task(client.get(f"/api/${noun}s/{item}", timeout=5.0)) for item in items]`,
        `    for task in tasks:`,
        `        results.append(task.result().json())`,
        `    payload = {"count": len(results)}`,
      );
      break;
    case 'worker':
      body.push(
        `async def ${name}(queue: asyncio.Queue[str], stop: asyncio.Event) -> dict[str, object]:`,
        `    """Drain the ${noun} queue until told to stop."""`,
        `    handled = 0`,
        `    while not stop.is_set():`,
        `        try:`,
        `            item = await asyncio.wait_for(queue.get(), timeout=1.0)`,
        `        except TimeoutError:`,
        `            continue`,
        `        handled += len(item)`,
        `        queue.task_done()`,
        `    payload = {"handled": handled}`,
      );
      break;
    case 'test':
      body.push(
        `@pytest.mark.asyncio`,
        `async def ${name}() -> None:`,
        `    """The ${noun} flow completes within its deadline."""`,
        `    queue: asyncio.Queue[str] = asyncio.Queue()`,
        `    await queue.put("${noun}")`,
        `    async with asyncio.timeout(2):`,
        `        item = await queue.get()`,
        `    assert item == "${noun}"`,
        `    payload = {"item": item}`,
      );
      break;
  }
  switch (violate) {
    case 0:
      body.push(`    time.sleep(0.1)  # planted: blocking-call-in-async`);
      break;
    case 1:
      body.push(`    asyncio.create_task(audit("${noun}"))  # planted: untracked-task`);
      break;
    case 2:
      body.push(`    legacy = requests.get("https://example.invalid/${noun}", timeout=3)  # planted: blocking-call-in-async`, `    payload["legacy"] = legacy.status_code`);
      break;
    case 3:
      body.push(`    try:`, `        await audit("${noun}")`, `    except Exception:  # planted: swallowed-exception`, `        pass`);
      break;
    case 4:
      body.push(`    with open("/tmp/${noun}.log", "a") as handle:  # planted: blocking-call-in-async`, `        handle.write("done")`);
      break;
  }
  if (kind !== 'test') body.push(`    return payload`);
  return [...body, '', ''];
}

function pythonFile(seed: number, kind: Kind): { text: string; planted: number } {
  const next = random(seed);
  const noun = NOUNS[Math.floor(next() * NOUNS.length)];
  const lines = [
    `"""${kind[0].toUpperCase()}${kind.slice(1)}s for the ${noun} service (generated for benchmarks)."""`,
    'from __future__ import annotations',
    '',
    'import asyncio',
    'import logging',
    'import time',
    '',
    'import httpx',
    'import pytest',
    'import requests',
    '',
    'logger = logging.getLogger(__name__)',
    '',
    '',
    'async def audit(what: str) -> None:',
    '    """Record an audit event."""',
    '    await asyncio.sleep(0)',
    '    logger.debug("audit", extra={"what": what})',
    '',
    '',
    'def checksum(data: bytes) -> int:',
    '    """A sync helper: blocking calls are fine here."""',
    '    time.sleep(0)',
    '    return sum(data) % 65521',
    '',
    '',
  ];
  let planted = 0;
  const functions = 6 + Math.floor(next() * 6);
  for (let i = 0; i < functions; i++) {
    const violate = next() < VIOLATION_SHARE ? Math.floor(next() * 5) : undefined;
    if (violate !== undefined) planted++;
    lines.push(...pyFunction(kind, noun, i, violate));
  }
  return { text: `${lines.join('\n').trimEnd()}\n`, planted };
}

// ---------------------------------------------------------------- TypeScript

function tsFunction(kind: Kind, noun: string, index: number, violate: number | undefined): string[] {
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  const name = `${noun}${kind[0].toUpperCase()}${kind.slice(1)}${index}`;
  const body: string[] = [];
  switch (kind) {
    case 'handler':
      body.push(
        `export async function ${name}(request: Request, signal: AbortSignal): Promise<Response> {`,
        `  const id = new URL(request.url).searchParams.get("id");`,
        `  if (id === null) return new Response("missing id", { status: 400 });`,
        `  const record: ${Noun}Record = await loadRecord(id, signal);`,
        `  log.info({ event: "${noun}.loaded", id });`,
        `  const payload: Record<string, unknown> = { record };`,
      );
      break;
    case 'client':
      body.push(
        `export async function ${name}(ids: readonly string[], signal: AbortSignal): Promise<Response> {`,
        `  const records = await Promise.all(ids.map((id) => loadRecord(id, signal)));`,
        `  const total = records.reduce((sum, r) => sum + r.amount, 0);`,
        `  const payload: Record<string, unknown> = { total, count: records.length };`,
      );
      break;
    case 'worker':
      body.push(
        `export async function ${name}(port: MessagePort, signal: AbortSignal): Promise<Response> {`,
        `  const done = new Promise<number>((resolve, reject) => {`,
        `    port.once("message", (value: number) => resolve(value));`,
        `    signal.addEventListener("abort", () => reject(signal.reason), { once: true });`,
        `  });`,
        `  port.postMessage({ kind: "${noun}", index: ${index} });`,
        `  const payload: Record<string, unknown> = { handled: await done };`,
      );
      break;
    case 'test':
      body.push(
        `export async function ${name}(): Promise<Response> {`,
        `  const signal = AbortSignal.timeout(2_000);`,
        `  const record = await loadRecord("${noun}-${index}", signal);`,
        `  if (record.id !== "${noun}-${index}") throw new Error("wrong record");`,
        `  const payload: Record<string, unknown> = { ok: true };`,
      );
      break;
  }
  switch (violate) {
    case 0:
      body.push(`  const config = readFileSync("/etc/${noun}.json", "utf8"); // planted: blocking-call-in-async`, `  payload.config = config;`);
      break;
    case 1:
      body.push(`  audit("${noun}"); // planted: untracked-task`);
      break;
    case 2:
      body.push(`  const remote = await fetch("https://example.invalid/${noun}"); // planted: missing-timeout`, `  payload.remote = remote.status;`);
      break;
    case 3:
      body.push(`  const later = new Promise(async (resolve) => resolve(await audit("${noun}"))); // planted: async-promise-executor`, `  await later;`);
      break;
    case 4:
      body.push(`  try {`, `    await audit("${noun}");`, `  } catch {`, `    // planted: swallowed-exception`, `  }`);
      break;
  }
  body.push(`  return Response.json(payload);`, `}`, '');
  return body;
}

function typescriptFile(seed: number, kind: Kind): { text: string; planted: number } {
  const next = random(seed);
  const noun = NOUNS[Math.floor(next() * NOUNS.length)];
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  const lines = [
    `// ${kind[0].toUpperCase()}${kind.slice(1)}s for the ${noun} service (generated for benchmarks).`,
    'import { readFileSync } from "node:fs";',
    'import type { MessagePort } from "node:worker_threads";',
    'import { audit, loadRecord, log, type StoredRecord } from "../../lib/store";',
    '',
    `export interface ${Noun}Record extends StoredRecord {`,
    `  kind: "${noun}";`,
    '}',
    '',
    '/** A sync helper: sync calls are fine here. */',
    'export function readDefaults(path: string): string {',
    '  return readFileSync(path, "utf8");',
    '}',
    '',
  ];
  let planted = 0;
  const functions = 6 + Math.floor(next() * 6);
  for (let i = 0; i < functions; i++) {
    const violate = next() < VIOLATION_SHARE ? Math.floor(next() * 5) : undefined;
    if (violate !== undefined) planted++;
    lines.push(...tsFunction(kind, noun, i, violate));
  }
  return { text: `${lines.join('\n').trimEnd()}\n`, planted };
}

const TS_STORE = `// Shared store for the generated services.
export interface StoredRecord {
  id: string;
  kind: string;
  amount: number;
}

export const log = {
  info(fields: Record<string, unknown>): void {
    process.stdout.write(\`\${JSON.stringify(fields)}\\n\`);
  },
};

export async function loadRecord<T extends StoredRecord>(id: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(\`https://example.invalid/records/\${id}\`, { signal });
  return (await response.json()) as T;
}

export async function audit(what: string): Promise<void> {
  log.info({ event: "audit", what });
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src'],
};

async function writeCorpus(dir: string, files: number, language: Corpus['language']): Promise<Corpus> {
  await rm(dir, { recursive: true, force: true });
  let lines = 0;
  let planted = 0;
  const writes: Promise<void>[] = [];
  const ext = language === 'python' ? '.py' : '.ts';
  for (let i = 0; i < files; i++) {
    const kind = KINDS[i % KINDS.length];
    const made = language === 'python' ? pythonFile(i * 7919 + 1, kind) : typescriptFile(i * 7919 + 1, kind);
    lines += made.text.split('\n').length - 1;
    planted += made.planted;
    const sub = path.join(dir, 'src', `${kind}s`, `group${Math.floor(i / 50)}`);
    const name = language === 'python' ? `${kind}_${i}${ext}` : `${kind}${i}${ext}`;
    writes.push(mkdir(sub, { recursive: true }).then(() => writeFile(path.join(sub, name), made.text)));
    if (writes.length >= 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  if (language === 'typescript') {
    // The store is one of the project's files; the directory depth of imports is fixed (src/<kind>s/groupN/).
    await mkdir(path.join(dir, 'src', 'lib'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'lib', 'store.ts'), TS_STORE);
    await writeFile(path.join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    await writeFile(path.join(dir, 'package.json'), '{ "name": "bench-corpus", "private": true, "type": "commonjs" }\n');
  }
  return { language, dir, files, lines, planted };
}

export function generatePython(root: string, files: number): Promise<Corpus> {
  return writeCorpus(path.join(root, `py-${files}`), files, 'python');
}

export function generateTypeScript(root: string, files: number): Promise<Corpus> {
  return writeCorpus(path.join(root, `ts-${files}`), files, 'typescript');
}

/** One big file per language (at least `lines` lines), for the editor latency runs. */
export async function generateBigFiles(root: string, lines: number): Promise<{ python: string; typescript: string; typescriptDir: string; pythonDir: string }> {
  const pythonDir = path.join(root, 'editor-py');
  const typescriptDir = path.join(root, 'editor-ts');
  await rm(pythonDir, { recursive: true, force: true });
  await rm(typescriptDir, { recursive: true, force: true });
  const py: string[] = [];
  const ts: string[] = [];
  for (let seed = 1; py.length < lines; seed++) {
    const body = pythonFile(seed, KINDS[seed % KINDS.length]).text.split('\n');
    // Keep the imports and helpers once; the functions of every further file are renamed by seed.
    py.push(...(py.length === 0 ? body : body.slice(26).map((line) => line.replace(/_(\d+)\(/g, `_${seed}_$1(`))));
  }
  for (let seed = 1; ts.length < lines; seed++) {
    const body = typescriptFile(seed, KINDS[seed % KINDS.length]).text.split('\n');
    // Skip the imports and the record interface of every further file; rename its functions.
    if (ts.length === 0) {
      ts.push(...body.slice(0, 5));
      for (const noun of NOUNS) ts.push(`export interface ${noun[0].toUpperCase()}${noun.slice(1)}Record extends StoredRecord {`, `  kind: "${noun}";`, '}', '');
    }
    ts.push(...body.slice(14).map((line) => line.replace(/(\w+?)(\d+)\(/g, `$1$2_${seed}(`)));
  }
  const python = path.join(pythonDir, 'big_service.py');
  const typescript = path.join(typescriptDir, 'src', 'services', 'group0', 'bigService.ts');
  await mkdir(pythonDir, { recursive: true });
  await writeFile(python, `${py.join('\n')}\n`);
  await mkdir(path.dirname(typescript), { recursive: true });
  await writeFile(typescript, `${ts.join('\n')}\n`);
  await mkdir(path.join(typescriptDir, 'src', 'lib'), { recursive: true });
  await writeFile(path.join(typescriptDir, 'src', 'lib', 'store.ts'), TS_STORE);
  await writeFile(path.join(typescriptDir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  return { python, typescript, typescriptDir, pythonDir };
}
