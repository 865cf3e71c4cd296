import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { EntryList, NamespaceDetail } from '@semcache/shared';
import { startHarness, type Harness } from '../../extproc/test/harness.ts';
import { buildDashboard, launchChromium, openPage, SHOTS, signIn } from './browser.ts';

const ADMIN_TOKEN = 'e2e-invalidate-token-0123456789abcdef';
const NS = 'gpt-test';
const TAGGED = ['How do I drain a node?', 'How do I cordon a node?'];
const OTHER = 'What is the capital of Peru?';

describe('targeted invalidation in the dashboard, in headless Chromium against the real server', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let base: string;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return (await res.json()) as T;
  }
  const prompts = async (): Promise<string[]> => (await api<EntryList>(`/namespaces/${NS}/entries`)).items.map((e) => e.prompt).sort();

  before(async () => {
    await buildDashboard();
    h = await startHarness({ 'admin.adminTokens': [ADMIN_TOKEN] });
    base = `http://127.0.0.1:${h.server.httpPort}`;
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    for (const p of TAGGED) await h.chat(p, {}, { headers: { 'x-semantic-cache-tags': 'runbook' } });
    await h.chat(OTHER);
    await signIn(page, base, ADMIN_TOKEN, NS);
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('previews an eviction by tag, changing nothing, then evicts exactly what it showed', async () => {
    await page.goto(`${base}/#/ns/${NS}/invalidate`);
    await page.getByRole('heading', { name: 'Evict by selector' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Evict matching' }).isDisabled(), true, 'no eviction before a preview');

    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByRole('alert').filter({ hasText: 'at least one criterion' }).waitFor();

    await page.getByLabel('Tags (any of, comma-separated)').fill('Runbook');
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const dry = page.getByTestId('dry-run');
    await dry.getByText('2 entries').waitFor();
    assert.deepEqual((await page.getByTestId('dry-run-row').locator('a').allTextContents()).sort(), [...TAGGED].sort());
    assert.deepEqual(await prompts(), [...TAGGED, OTHER].sort(), 'a dry run evicts nothing');
    await page.screenshot({ path: `${SHOTS}20-invalidate-dry-run.png`, fullPage: true });

    await page.getByRole('button', { name: 'Evict matching' }).click();
    await page.getByRole('button', { name: 'Evict 2 entries' }).click();
    await page.getByText('Evicted 2 entries').waitFor();
    assert.deepEqual(await prompts(), [OTHER]);
    assert.equal((await h.chat(TAGGED[0]!)).source, 'upstream', 'the evicted answer is not served');
  });

  it('shows the server refusing a malformed selector, naming what is wrong', async () => {
    await page.getByLabel('Tags (any of, comma-separated)').fill('has space');
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByText('The server refused the request').waitFor();
    assert.match(await page.locator('.notice.error').innerText(), /tags/);
    await page.getByLabel('Tags (any of, comma-separated)').fill('');
    assert.equal(await page.locator('.notice.error').count(), 0, 'editing the form clears the refusal');
  });

  it('starts a new epoch: nothing stored before is served, and the page shows the epoch', async () => {
    assert.equal(await page.getByTestId('epoch').textContent(), '0');
    await page.getByRole('button', { name: 'Start a new epoch' }).click();
    await page.getByRole('button', { name: /^Supersede \d+ entr(y|ies)$/ }).click();
    await page.getByText(/Epoch 1 started: \d+ entr(y|ies) will not be served again/).waitFor();
    await page.getByTestId('epoch').filter({ hasText: '1' }).waitFor();
    assert.equal((await api<NamespaceDetail>(`/namespaces/${NS}`)).epoch, 1);
    assert.equal((await h.chat(OTHER)).source, 'upstream');
    await page.screenshot({ path: `${SHOTS}21-invalidate-epoch.png`, fullPage: true });
  });

  it("shows an entry's tags and model revision", async () => {
    await h.chat('What is a PodDisruptionBudget?', {}, { headers: { 'x-semantic-cache-tags': 'k8s,policy' } });
    const entry = (await api<EntryList>(`/namespaces/${NS}/entries?text=PodDisruptionBudget`)).items[0]!;
    await page.goto(`${base}/#/ns/${NS}/entries/${entry.id}`);
    assert.equal(await page.getByTestId('entry-tags').textContent(), 'k8s, policy');
    await page.getByText('gpt-test', { exact: true }).first().waitFor();
  });
});
