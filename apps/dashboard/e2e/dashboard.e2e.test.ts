import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EntryList, LabelList, LookupList, NamespaceDetail, NearMissList } from '@semcache/shared';
import { startHarness, type Harness } from '../../extproc/test/harness.ts';
import { buildDashboard, launchChromium, SHOTS } from './browser.ts';
import { formatCost } from '../src/logic/format.ts';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const READ_TOKEN = 'e2e-read-token-0123456789abcdef';
const NS = 'gpt-test';
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 390, height: 844 };

const ORIGINAL = 'How do I restart a Kubernetes deployment?';
const PARAPHRASE = 'How can I restart a deployment in Kubernetes?';
const NEAR = 'How do I roll back a Kubernetes deployment?';
const HOSTILE = 'Explain <b>tags</b> <img src=x onerror="window.__xss=1"> safely';

describe('the operator dashboard in headless Chromium against the real server', () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  /** The admin API, called the way an operator's script would: the source of truth for every assertion. */
  async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  const shot = (p: Page, name: string): Promise<Buffer> => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

  before(async () => {
    await buildDashboard();
    h = await startHarness({
      'admin.adminTokens': [ADMIN_TOKEN],
      'admin.readTokens': [READ_TOKEN],
      // Wide enough that the near miss below counts as one whatever the built-in embedder's exact similarities.
      'admin.nearMissMargin': 0.5,
      pricing: { [NS]: { inputPerMillion: 2_500, outputPerMillion: 10_000 } },
    });
    base = `http://127.0.0.1:${h.server.httpPort}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: WIDE, colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('sends traffic through the ext_proc client: a miss, a paraphrase hit, a near miss', async () => {
    assert.equal((await h.chat(ORIGINAL)).headers['x-semantic-cache'], 'miss');
    assert.equal((await h.chat(PARAPHRASE)).headers['x-semantic-cache'], 'hit-semantic');
    assert.equal((await h.chat(NEAR)).headers['x-semantic-cache'], 'miss');
    assert.equal((await h.chat(HOSTILE)).headers['x-semantic-cache'], 'miss');
    const near = await api<NearMissList>(`/namespaces/${NS}/near-misses`);
    assert.ok(near.body.items.some((m) => m.prompt === NEAR), 'the API lists the near miss');
  });

  it('asks for a token, then shows the overview', async () => {
    await page.goto(`${base}/`);
    await page.getByText('A valid admin API token is needed').waitFor();
    await shot(page, '01-token-required');

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('link', { name: NS, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('semcache.adminToken')), ADMIN_TOKEN);
    await page.locator('.chart canvas').first().waitFor();
    const { stats } = (await api<NamespaceDetail>(`/namespaces/${NS}`)).body;
    assert.ok(stats.costSaved > 0, 'the paraphrase hit saved its tokens at the configured price');
    const cost = page.locator('.stat', { hasText: 'cost saved' }).locator('.value');
    assert.equal(await cost.textContent(), formatCost(stats.costSaved), 'shown next to tokens saved');
    await shot(page, '02-overview');
  });

  it('moves the threshold with the keyboard and by value, previews the flips, and applies it', async () => {
    const lookups = await api<LookupList>(`/lookups?namespace=${NS}`);
    const near = lookups.body.items.find((e) => e.prompt === NEAR);
    assert.ok(near?.similarity, 'the near miss has a candidate');
    const before = (await api<NamespaceDetail>(`/namespaces/${NS}`)).body.settings.threshold;
    assert.ok(near.similarity < before);
    // Just below the near miss's similarity, on the slider's 0.005 grid: that miss would now be a hit.
    const target = Math.floor((near.similarity - 0.001) / 0.005) * 0.005;

    await page.getByRole('link', { name: NS, exact: true }).click();
    await page.getByRole('heading', { name: 'Similarity threshold' }).waitFor();
    await page.locator('.chart canvas').waitFor();
    const slider = page.getByRole('slider', { name: 'Proposed threshold' });
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('proposed-threshold').filter({ hasText: (before - 0.005).toFixed(3) }).waitFor();

    await page.getByLabel('Proposed threshold, exact value').fill(target.toFixed(3));
    const whatIf = page.getByTestId('what-if');
    await whatIf.filter({ hasText: `would flip at ${target.toFixed(3)}` }).waitFor();
    assert.match(await whatIf.innerText(), /miss(es)? would become (a hit|hits)/);
    assert.ok((await whatIf.innerText()).includes(NEAR), 'the near miss is one of the examples');
    await shot(page, '03-namespace-preview');

    await page.getByRole('button', { name: `Apply ${target.toFixed(3)}` }).click();
    await page.getByText(`Threshold ${target.toFixed(3)} applied`).waitFor();
    const after = (await api<NamespaceDetail>(`/namespaces/${NS}`)).body.settings.threshold;
    assert.equal(after, Number(target.toFixed(3)));
    await shot(page, '04-namespace-applied');
  });

  it('lists the near miss side by side and records a label', async () => {
    await page.getByRole('link', { name: 'Near misses' }).click();
    const card = page.getByTestId('near-miss').filter({ hasText: NEAR });
    await card.waitFor();
    assert.ok((await card.innerText()).includes(ORIGINAL), 'the nearest cached prompt is shown beside it');
    await card.getByRole('button', { name: 'Same meaning' }).click();
    await card.getByRole('button', { name: 'Same meaning', pressed: true }).waitFor();
    await page.getByTestId('suggestion').filter({ hasText: 'all of one kind' }).waitFor();

    const labels = await api<LabelList>(`/namespaces/${NS}/labels`);
    assert.deepEqual(labels.body.items.map((l) => [l.prompt, l.verdict]), [[NEAR, 'same']]);
    await shot(page, '05-near-misses');
  });

  it('renders prompts as text, evicts one entry and then many by filter, each after confirmation', async () => {
    await page.getByRole('link', { name: 'Entries' }).click();
    await page.getByTestId('entry-row').first().waitFor();
    await page.getByText('<img src=x onerror="window.__xss=1">', { exact: false }).first().waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'no prompt ran as HTML');
    await page.getByRole('searchbox').fill('roll back');
    // The search narrows the list to the one matching entry.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="entry-row"]').length === 1);
    assert.match(await page.getByTestId('entry-row').innerText(), /roll back/);
    await shot(page, '06-entries');

    const listed = await api<EntryList>(`/namespaces/${NS}/entries?text=roll%20back`);
    const id = listed.body.items[0]!.id;
    await page.getByRole('link', { name: NEAR }).click();
    await page.getByTestId('entry-answer').filter({ hasText: `to: ${NEAR}` }).waitFor();
    await page.getByRole('button', { name: 'Evict entry' }).click();
    await page.getByRole('dialog').waitFor();
    await shot(page, '07-entry-evict-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Evict', exact: true }).click();
    await page.getByText(`Entry ${id} was evicted`).waitFor();

    assert.equal((await api(`/namespaces/${NS}/entries/${id}`)).status, 404);
    assert.equal((await api<EntryList>(`/namespaces/${NS}/entries?text=roll%20back`)).body.total, 0);

    await page.getByRole('link', { name: 'Back to the entries' }).click();
    await page.getByRole('searchbox').fill('tags');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="entry-row"]').length === 1);
    await page.getByRole('button', { name: 'Evict all matching' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Evict 1' }).click();
    await page.getByText('Evicted 1 entry whose prompt contains “tags”').waitFor();
    assert.equal((await api<EntryList>(`/namespaces/${NS}/entries?text=tags`)).body.total, 0);
    const left = (await api<EntryList>(`/namespaces/${NS}/entries`)).body.items.map((e) => e.prompt);
    assert.deepEqual(left, [ORIGINAL], 'the entry that matched neither eviction stays');
  });

  it('streams lookups live as they happen', async () => {
    await page.getByRole('link', { name: 'Live lookups' }).click();
    await page.getByTestId('lookup-row').first().waitFor();
    await page.locator('.live-dot.on').waitFor();
    const live = 'How do I restart a Kubernetes deployment quickly?';
    await h.chat(live);
    await page.getByTestId('lookup-row').filter({ hasText: live }).waitFor();
    await shot(page, '08-live');
  });

  it('tells a read-only token that it cannot change the threshold', async () => {
    const ro = await browser.newContext({ viewport: WIDE });
    const p = await ro.newPage();
    await p.addInitScript((t) => sessionStorage.setItem('semcache.adminToken', t), READ_TOKEN);
    await p.goto(`${base}/#/ns/${NS}`);
    await p.getByLabel('Proposed threshold, exact value').fill('0.5');
    await p.getByRole('button', { name: 'Apply 0.500' }).click();
    await p.getByText('This token may read but not change').waitFor();
    await shot(p, '09-forbidden');
    await ro.close();
    assert.notEqual((await api<NamespaceDetail>(`/namespaces/${NS}`)).body.settings.threshold, 0.5);
  });

  it('fits a narrow screen and reads in light and dark', async () => {
    const screens = [['overview', '#/'], ['namespace', `#/ns/${NS}`], ['near-misses', `#/ns/${NS}/near-misses`], ['entries', `#/ns/${NS}/entries`], ['live', '#/live']] as const;
    for (const [viewport, scheme] of [[NARROW, 'light'], [NARROW, 'dark'], [WIDE, 'dark']] as const) {
      const ctx = await browser.newContext({ viewport, colorScheme: scheme });
      const p = await ctx.newPage();
      await p.addInitScript((t) => sessionStorage.setItem('semcache.adminToken', t), ADMIN_TOKEN);
      for (const [name, hash] of screens) {
        await p.goto(`${base}/${hash}`);
        await p.locator('main h1').first().waitFor();
        await p.waitForFunction(() => document.querySelector('.loading') === null);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} at ${viewport.width}px overflows by ${overflow}px`);
        await shot(p, `10-${name}-${viewport.width}-${scheme}`);
      }
      await ctx.close();
    }
  });

  it('deletes a namespace after confirmation and shows the overview without it', async () => {
    const JUNK = 'invented-model-x';
    await h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: JUNK, messages: [{ role: 'user', content: 'filler' }] }) });
    assert.equal((await api(`/namespaces/${JUNK}`)).status, 200);
    await page.goto(`${base}/#/ns/${JUNK}`);
    await page.getByRole('button', { name: 'Delete namespace' }).click();
    await page.getByRole('dialog').waitFor();
    await shot(page, '12-delete-namespace');
    await page.getByRole('dialog').getByRole('button', { name: `Delete ${JUNK}` }).click();
    await page.getByRole('link', { name: NS, exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: JUNK, exact: true }).count(), 0);
    assert.equal((await api(`/namespaces/${JUNK}`)).status, 404);
  });

  it('says so when the admin API stops answering', async () => {
    const ctx = await browser.newContext({ viewport: WIDE });
    const p = await ctx.newPage();
    await p.goto(`${base}/`);
    // The page is loaded; from now on every API call fails at the network level, as when the server is gone.
    await p.route('**/api/**', (route) => route.abort('connectionrefused'));
    await p.getByRole('link', { name: 'Live lookups' }).click();
    await p.getByText('The admin API does not answer').first().waitFor();
    await shot(p, '11-api-down');
    await ctx.close();
  });
});
