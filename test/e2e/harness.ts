/**
 * The real editor for the UI tests: code-server (VS Code's workbench and its Node extension host)
 * with the packaged .vsix installed, driven by Debian's Chromium through playwright-core.
 *
 * Everything comes from the environment that scripts/e2e/run.mjs sets up:
 *   E2E_NODE          Node 24 (code-server runs on it)
 *   E2E_CODE_SERVER   code-server's out/node/entry.js
 *   E2E_VSIX          the packaged extension
 *   E2E_CHROMIUM      the browser (default /usr/bin/chromium)
 *   E2E_SCREENSHOTS   where screenshots go (default out/e2e/screenshots)
 * Each session gets fresh scratch folders (HOME, XDG_*, user data, extensions) and a fresh copy of
 * the fixture workspace, so runs never see each other's state.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'e2e-workspace');

/** Settings for a quiet, deterministic workbench. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'files.hotExit': 'off',
  'chat.disableAIFeatures': true,
  'editor.hover.delay': 150,
  'editor.lightbulb.enabled': 'on',
  'editor.minimap.enabled': false,
  'editor.snippetSuggestions': 'top',
  'editor.suggest.showWords': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.acceptSuggestionOnEnter': 'on',
  'editor.formatOnSave': false,
  'files.autoSave': 'off',
  'files.insertFinalNewline': false,
  'files.trimTrailingWhitespace': false,
  'git.enabled': false,
  'typescript.tsserver.log': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.surveys.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run the UI tests through \`npm run test:e2e\` (scripts/e2e/run.mjs)`);
  }
  return value;
}

export function screenshotDir(): string {
  return process.env.E2E_SCREENSHOTS ?? path.join(repoRoot, 'out', 'e2e', 'screenshots');
}

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(everyMs);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

export interface SessionOptions {
  /** User settings on top of QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** More .vsix files to install next to ours (the extension-host suite's runner). */
  extraVsix?: string[];
  /** A name for the log and screenshot files. */
  name: string;
}

/** One code-server process, one browser, one fresh workspace copy. */
export class EditorSession {
  page!: Page;
  private browser: Browser | undefined;
  private server: ChildProcess | undefined;
  private serverExit: Promise<void> | undefined;
  private constructor(
    readonly scratch: string,
    readonly workspace: string,
    readonly name: string,
  ) {}

  static async start(options: SessionOptions): Promise<EditorSession> {
    const node = required('E2E_NODE');
    const entry = required('E2E_CODE_SERVER');
    const vsix = required('E2E_VSIX');
    const scratch = await mkdtemp(path.join(tmpdir(), 'ag-e2e-'));
    const workspace = path.join(scratch, 'workspace');
    await cp(fixtureWorkspace, workspace, { recursive: true });
    await rm(path.join(workspace, 'README.md'), { force: true });
    const session = new EditorSession(scratch, workspace, options.name);
    try {
      await session.launch(node, entry, vsix, options);
    } catch (error) {
      await session.stop();
      throw error;
    }
    return session;
  }

  private async launch(node: string, entry: string, vsix: string, options: SessionOptions): Promise<void> {
    const home = path.join(this.scratch, 'home');
    const userData = path.join(this.scratch, 'user-data');
    const extensions = path.join(this.scratch, 'extensions');
    await Promise.all([home, userData, extensions].map((dir) => mkdir(dir, { recursive: true })));
    await mkdir(path.join(userData, 'User'), { recursive: true });
    await writeFile(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      // code-server must not pick up a password or a proxy from the surrounding shell.
      PASSWORD: undefined,
      HASHED_PASSWORD: undefined,
      VSCODE_PROXY_URI: undefined,
    };
    const installs = [vsix, ...(options.extraVsix ?? [])].flatMap((file) => ['--install-extension', file]);
    await run(node, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, ...installs, '--force'], env);

    const port = await freePort();
    const logFile = path.join(screenshotDir(), `${this.name}.code-server.log`);
    await mkdir(path.dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile);
    const args = [
      entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      this.workspace,
    ];
    // Its own process group (setsid), so stop() ends the extension host and watchers with it.
    const server = spawn(node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.pipe(log);
    server.stderr?.pipe(log);
    this.server = server;
    this.serverExit = new Promise((resolve) => server.once('exit', () => resolve()));
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server /healthz', async () => {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see ${logFile}`);
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return response.ok ? true : undefined;
    }, 60_000, 250);

    this.browser = await chromium.launch({
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    this.page = await context.newPage();
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`, { timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Ends the browser, then code-server's whole process group, and waits until it is gone. */
  async stop(): Promise<void> {
    // The last state of the window, for whoever reads a failed run's artifacts.
    if (this.browser !== undefined) {
      await this.screenshot('last').catch((error: unknown) => console.error(`no last screenshot: ${String(error)}`));
    }
    await this.browser?.close().catch((error: unknown) => console.error(`closing the browser: ${String(error)}`));
    const server = this.server;
    if (server?.pid !== undefined && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const exited = await Promise.race([this.serverExit?.then(() => true), delay(10_000).then(() => false)]);
      if (!exited) process.kill(-server.pid, 'SIGKILL');
    }
    if (server?.pid !== undefined) {
      const pid = server.pid;
      // The extension host and file watchers leave a moment after the server itself.
      await waitFor('code-server process group to end', () => {
        try {
          process.kill(-pid, 0);
          return undefined;
        } catch {
          return true;
        }
      }, 15_000).catch(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Gone in the meantime.
        }
      });
    }
    // VS Code's logs (the extension host's, our output channel's) go with the screenshots.
    await cp(path.join(this.scratch, 'user-data', 'logs'), path.join(screenshotDir(), `${this.name}-logs`), { recursive: true }).catch((error: unknown) =>
      console.error(`no logs kept: ${String(error)}`),
    );
    await rm(this.scratch, { recursive: true, force: true, maxRetries: 3 });
  }

  file(name: string): string {
    return path.join(this.workspace, name);
  }

  async readFile(name: string): Promise<string> {
    return readFile(this.file(name), 'utf8');
  }

  /** Writes a workspace file (settings, config) the way another program or a user's editor would. */
  async writeFile(name: string, text: string): Promise<void> {
    await mkdir(path.dirname(this.file(name)), { recursive: true });
    await writeFile(this.file(name), text);
  }

  async removeFile(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  /** Saves a screenshot (the whole window, or `clip`) as <screenshots>/<session>-<name>.png, or at `target`. */
  async screenshot(name: string, options: { target?: string; clip?: { x: number; y: number; width: number; height: number } } = {}): Promise<string> {
    const file = options.target ?? path.join(screenshotDir(), `${this.name}-${name}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, ...(options.clip === undefined ? {} : { clip: options.clip }) });
    return file;
  }

  /** Runs a command from the command palette (F1), by its title. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file through Quick Open and waits until its editor has focus. */
  async open(name: string): Promise<Locator> {
    const page = this.page;
    const editor = this.editor();
    await waitFor(`quick open of ${name}`, async () => {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 5_000 });
      await input.fill(name);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
      await input.press('Enter');
      await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
      return true;
    }, 45_000, 500);
    await editor.locator('.view-lines').waitFor();
    return editor;
  }

  /**
   * Opens a top-level workspace file by clicking it in the Explorer (Quick Open's file index can
   * lag behind a file created a moment ago).
   */
  async openFromExplorer(name: string): Promise<Locator> {
    const row = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await this.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
    const editor = this.editor();
    await editor.locator('.view-lines').waitFor();
    return editor;
  }

  /** The active editor. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The squiggles of the active editor (errors and warnings). */
  squiggles(kind: 'error' | 'warning' | 'any' = 'any'): Locator {
    const selector = kind === 'any' ? '.squiggly-error, .squiggly-warning' : `.squiggly-${kind}`;
    return this.editor().locator(`.view-overlays ${selector}`);
  }

  async waitForSquiggleCount(count: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(`${count} squiggle(s) in the active editor`, async () => ((await this.squiggles().count()) === count ? true : undefined), timeoutMs);
  }

  /** Puts the cursor at (line, column), both 1-based, through "Go to Line/Column". */
  async goTo(line: number, column: number): Promise<void> {
    await this.editor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await waitFor(`cursor at ${line}:${column}`, async () => {
      const text = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
      return text.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
    }, 10_000);
  }

  /** Hovers the mouse over the n-th squiggle and returns the hover widget once it shows `text`. */
  async hoverSquiggle(index: number, text: string | RegExp): Promise<Locator> {
    const squiggle = this.squiggles().nth(index);
    const box = await waitFor('the squiggle to be laid out', async () => (await squiggle.boundingBox()) ?? undefined);
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: text }).first();
    return waitFor('the hover widget', async () => {
      await this.page.mouse.move(box.x + 2, box.y + box.height / 2 - 6);
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 3);
      await hover.waitFor({ timeout: 3_000 });
      return hover;
    }, 30_000, 300);
  }

  /**
   * Opens the quick-fix menu at the cursor. Ctrl+. right after a click is sometimes lost, so wait
   * for the light bulb first and retry the key a few times (the only retry in these tests).
   */
  async openQuickFixMenu(): Promise<Locator> {
    await this.editor().locator('.glyph-margin-widgets [class*="codicon-gutter-lightbulb"], .lightBulbWidget').first().waitFor({ timeout: 30_000 });
    const menu = this.page.locator('.action-widget:not(.action-list-submenu-panel)').first();
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+.');
      try {
        await menu.locator('.monaco-list-row').first().waitFor({ timeout: 4_000 });
        return menu;
      } catch (error) {
        if (attempt >= 4) throw error;
      }
    }
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await waitFor('the editor to be saved', async () => ((await this.page.locator('.tab.active.dirty').count()) === 0 ? true : undefined), 20_000);
  }

  /**
   * The process ids of our language server in this session: the `dist/server.js` of the extension
   * installed into this session's extensions folder (so other sessions' servers never match).
   */
  async languageServerPids(): Promise<number[]> {
    const marker = path.join(this.scratch, 'extensions') + path.sep;
    const { stdout } = await promisify(execFile)('ps', ['-eww', '-o', 'pid=,args=']);
    const pids: number[] = [];
    for (const line of stdout.split('\n')) {
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (match !== null && match[2].includes(marker) && /[\\/]dist[\\/]server\.js\b/.test(match[2])) pids.push(Number(match[1]));
    }
    return pids;
  }

  /** Waits for exactly one language server process (other than `not`) and returns its id. */
  async waitForLanguageServer(not: readonly number[] = [], timeoutMs = 60_000): Promise<number> {
    return waitFor('a language server process', async () => {
      const pids = (await this.languageServerPids()).filter((pid) => !not.includes(pid));
      return pids.length === 1 ? pids[0] : undefined;
    }, timeoutMs, 100);
  }

  /**
   * Hovers the status bar's language status until our item's text satisfies `accept`, and returns
   * that text (the icon shows as the codicon's name, e.g. `codicon-check`, in front of it).
   */
  async waitForLanguageStatus(what: string, accept: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const languageStatus = this.page.locator('.statusbar-item[id="status.languageStatus"]');
    const item = this.page.locator('.hover-language-status', { hasText: 'Async Guardrails' }).first();
    return waitFor(`the language status: ${what}`, async () => {
      // Away and back, so the hover is rendered afresh.
      await this.page.mouse.move(640, 300);
      await languageStatus.hover();
      await item.waitFor({ timeout: 3_000 });
      const icons = await item.locator('.codicon').evaluateAll((nodes) => nodes.map((n) => [...n.classList].filter((c) => c.startsWith('codicon-')).join(' ')));
      const text = `${icons.join(' ')} ${await item.innerText()}`.replace(/\s+/g, ' ').trim();
      return accept(text) ? text : undefined;
    }, timeoutMs, 500);
  }

  /** Runs `body`; when it fails, saves a screenshot named `failed-<name>` before rethrowing. */
  async screenshotOnFailure<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const file = await this.screenshot(`failed-${name}`).catch((shot: unknown) => `none (${String(shot)})`);
      console.error(`[${this.name}] ${name} failed; screenshot: ${file}`);
      throw error;
    }
  }

  /** Waits until the file on disk satisfies `accept`, and returns its text. */
  async waitForDisk(name: string, accept: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
    return waitFor(`${name} on disk`, async () => {
      const text = await this.readFile(name);
      return accept(text) ? text : undefined;
    }, timeoutMs);
  }
}

/** True when the tools for the UI tests are present (run through scripts/e2e/run.mjs). */
export function editorAvailable(): boolean {
  const entry = process.env.E2E_CODE_SERVER;
  return entry !== undefined && existsSync(entry) && process.env.E2E_VSIX !== undefined;
}
