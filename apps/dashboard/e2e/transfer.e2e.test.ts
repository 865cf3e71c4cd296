import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ImportProgress } from '@semcache/shared';
import { startHarness, type Harness } from '../../extproc/test/harness.ts';
import { buildDashboard, launchChromium, SHOTS } from './browser.ts';

const ADMIN_TOKEN = 'e2e-admin-token-transfer-0123456789';
const NS = 'gpt-test';
const STORED = ['How do I restart a Kubernetes deployment?', 'What is the capital of France?', 'How do I list all pods in a namespace?'];

describe('export and import in the dashboard, in headless Chromium against real servers', () => {
  let source: Harness;
  let target: Harness;
  let browser: Browser;
  let page: Page;
  let exported: string;
  const api = (h: Harness, path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`http://127.0.0.1:${h.server.httpPort}/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });

  before(async () => {
    await buildDashboard();
    source = await startHarness({ 'admin.adminTokens': [ADMIN_TOKEN] });
    target = await startHarness({ 'admin.adminTokens': [ADMIN_TOKEN] });
    for (const p of STORED) await source.chat(p);
    exported = await (await api(source, `/namespaces/${NS}/export`)).text();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    await context.addInitScript((t) => sessionStorage.setItem('semcache.adminToken', t), ADMIN_TOKEN);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await source?.close();
    await target?.close();
  });

  it('imports a file from the overview of an empty server, lists the bad line by number, and the prompt then hits', async () => {
    await page.goto(`http://127.0.0.1:${target.server.httpPort}/`);
    await page.getByText('No traffic yet').waitFor();
    const withBadLine = `${exported}{"prompt": "cut off\n`;
    await page.getByLabel('Export file').setInputFiles({ name: 'gpt-test.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(withBadLine) });
    const into = page.getByLabel('Into namespace');
    await page.waitForFunction(() => (document.querySelector('input[type="text"]') as HTMLInputElement | null)?.value === 'gpt-test');
    assert.equal(await into.inputValue(), NS, 'taken from the file\'s header');
    await page.getByRole('button', { name: 'Check only' }).click();
    const checked = page.getByTestId('import-progress').filter({ hasText: 'Check of an import into gpt-test: done' });
    await checked.filter({ hasText: '3 would be imported' }).waitFor();
    assert.equal((await api(target, `/namespaces/${NS}`)).status, 404, 'the check changed nothing');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const status = page.getByTestId('import-progress').filter({ hasText: /Import into gpt-test: done/ });
    await status.waitFor();
    const text = await status.innerText();
    assert.match(text, /4 lines read \(3 announced\) · 3 imported · 0 skipped \(expired\) · 1 failed/);
    assert.match(text, /line 5: not JSON/);
    await page.getByRole('link', { name: NS, exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}20-import-overview.png`, fullPage: true });

    const hit = await target.chat(STORED[1]!);
    assert.equal(hit.headers['x-semantic-cache'], 'hit-exact');
    assert.equal(target.upstream.calls.length, 0);
  });

  it('shows the progress of an import that is still reading, started elsewhere, until it is done', async () => {
    await page.goto(`http://127.0.0.1:${target.server.httpPort}/#/ns/${NS}`);
    await page.getByRole('heading', { name: 'Import' }).waitFor();
    const [header, ...entries] = exported.trim().split('\n');
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (step === 0) ctl.enqueue(new TextEncoder().encode(`${header}\n${entries[0]}\n${entries[1]}\n`));
        else if (step === 1) {
          await held;
          ctl.enqueue(new TextEncoder().encode(`${entries[2]}\n`));
        } else ctl.close();
        step++;
      },
    });
    const response = api(target, `/namespaces/${NS}/import`, {
      method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'x-requested-by': 'script' }, body, duplex: 'half',
    } as RequestInit);

    const running = page.getByTestId('import-progress').filter({ hasText: 'running' });
    await running.filter({ hasText: '2 of 3 lines read · 2 imported' }).waitFor();
    assert.equal(await running.locator('progress').getAttribute('value'), '2');
    await page.screenshot({ path: `${SHOTS}21-import-running.png`, fullPage: true });

    release();
    assert.equal(((await (await response).json()) as ImportProgress).state, 'done');
    await page.getByTestId('import-progress').filter({ hasText: 'done' }).filter({ hasText: '3 of 3 lines read · 3 imported' }).waitFor();
    assert.equal(await page.getByTestId('import-progress').filter({ hasText: 'running' }).count(), 0);
  });

  it('downloads the namespace as an export file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download export' }).click()]);
    assert.equal(download.suggestedFilename(), `${NS}.jsonl`);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]!.format, 'semcache-export');
    assert.equal(lines[0]!.namespace, NS);
    assert.deepEqual(lines.slice(1).map((e) => e.prompt).sort(), [...STORED].sort());
  });
});
