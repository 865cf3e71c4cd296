import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { NamespaceInfo } from '@semcache/shared';
import { OnlinePolicy } from '../../extproc/src/online/online-policy.ts';
import { entryId } from '../../extproc/src/cache/entry.ts';
import { startHarness, type Harness } from '../../extproc/test/harness.ts';
import { buildDashboard, launchChromium, openPage, SHOTS, signIn } from './browser.ts';

const ADMIN_TOKEN = 'e2e-online-token-0123456789abcdef';
const NS = 'gpt-test';
const STORED = 'How do I reset my router password?';
const EXPLORED = 'How can I reset my router password?';

describe('online verification in the dashboard, in headless Chromium against the real server', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const api = async (path: string): Promise<unknown> =>
    (await fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();

  before(async () => {
    await buildDashboard();
    h = await startHarness(
      { 'admin.adminTokens': [ADMIN_TOKEN], 'defaults.online': true, 'defaults.errorBound': 0.02, 'defaults.maxExploreRate': 1, 'defaults.threshold': 0.8 },
      // A random source of 0 always draws the audit: every would-be hit is explored.
      { online: new OnlinePolicy({ random: () => 0 }) },
    );
    base = `http://127.0.0.1:${h.server.httpPort}`;
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await h.chat(STORED);
    const r = await h.chat(EXPLORED);
    assert.equal(r.headers['x-semantic-cache'], 'verify');
    await signIn(page, base, ADMIN_TOKEN, NS);
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the bound, the share of would-be hits explored and the error rates of the namespace', async () => {
    await page.goto(`${base}/#/ns/${NS}`);
    const stats = page.getByTestId('online-stats');
    await stats.filter({ hasText: 'of 1 checked' }).waitFor();
    const text = await stats.innerText();
    assert.match(text, /on, error bound 2\.0%/);
    assert.match(text, /would-be hits explored\s+0\.0% \(0\)/);
    assert.match(text, /refused by the boundary\s+1/, 'while the namespace learns, every would-be hit is checked');
    assert.match(text, /observed error\s+0\.00% of 1 checked/);
    await page.screenshot({ path: `${SHOTS}online-namespace.png`, fullPage: true });
  });

  it('sets the bound and the exploration cap live, and turns it off', async () => {
    await page.goto(`${base}/#/ns/${NS}`);
    await page.getByLabel('Error bound δ (% of requests)').fill('1');
    await page.getByLabel('Max exploration (% of would-be hits)').fill('5');
    await page.getByRole('button', { name: 'Save online verification' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    let ns = (await api(`/namespaces/${NS}`)) as NamespaceInfo;
    assert.equal(ns.settings.errorBound, 0.01);
    assert.equal(ns.settings.maxExploreRate, 0.05);
    await page.getByRole('checkbox', { name: 'Online verification', exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save online verification' }).click();
    await page.getByTestId('online-stats').filter({ hasText: 'off: the threshold decides' }).waitFor();
    ns = (await api(`/namespaces/${NS}`)) as NamespaceInfo;
    assert.equal(ns.settings.online, false);
    const hit = await h.chat('How can I reset my router password, please?', {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic', 'off, the threshold alone decides');
  });

  it("shows an entry's boundary and observations", async () => {
    const entry = [...h.server.engine.namespaces.get(NS).entries()].find((e) => e.prompt === STORED)!;
    await page.goto(`${base}/#/ns/${NS}/entries/${entryId(entry.key)}`);
    const online = page.getByTestId('entry-online');
    await online.waitFor();
    const text = await online.innerText();
    assert.match(text, /Learned boundary 0\.\d{3}; answers unchecked from similarity 0\.\d{3}/);
    assert.match(text, /0\.\d{3}\s+same/);
  });

  it('lists the explored request in the live lookups', async () => {
    await page.goto(`${base}/#/live`);
    const row = page.getByTestId('lookup-row').filter({ hasText: EXPLORED });
    await row.waitFor();
    assert.match(await row.innerText(), /explored/);
  });
});
