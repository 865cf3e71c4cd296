import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { NamespaceInfo } from '@semcache/shared';
import { startHarness, type Harness } from '../../extproc/test/harness.ts';
import { DEFAULT_CROSS_ENCODER_DIR } from '../../extproc/src/verifier/cross-encoder/cross-encoder-verifier.ts';
import { PairClassifier } from '../../extproc/src/verifier/pair-classifier.ts';
import { findStackedModel, StackedVerifier } from '../../extproc/src/verifier/stacked-verifier.ts';
import type { Verifier } from '../../extproc/src/verifier/verifier.ts';
import { buildDashboard, launchChromium, openPage, SHOTS, signIn } from './browser.ts';

const ADMIN_TOKEN = 'e2e-verifier-token-0123456789abcdef';
const NS = 'gpt-test';
/** The built-in embedder rates them 0.77 apart, above both 0.7 thresholds set here; the verifier refuses the pair. */
const STORED = 'What is diabetes?';
const REFUSED = 'What causes diabetes?';

describe("the verifier's verdicts in the dashboard, in headless Chromium against the real server", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async () => {
    await buildDashboard();
    h = await startHarness({ 'admin.adminTokens': [ADMIN_TOKEN], 'defaults.verifier': true, 'defaults.threshold': 0.7, 'defaults.verifierCandidateThreshold': 0.7 });
    base = `http://127.0.0.1:${h.server.httpPort}`;
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await h.chat(STORED);
    const r = await h.chat(REFUSED, {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(r.source, 'upstream');
    await signIn(page, base, ADMIN_TOKEN, NS);
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('lists the refused pair among the near misses, above the threshold, with the score', async () => {
    await page.goto(`${base}/#/ns/${NS}/near-misses`);
    const card = page.getByTestId('near-miss').filter({ hasText: REFUSED });
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /refused by the verifier \(score 0\.\d{3}\)/);
    assert.ok(text.includes(STORED));
    await page.screenshot({ path: `${SHOTS}verifier-near-misses.png`, fullPage: true });
  });

  it('shows the verdict in the live lookups', async () => {
    await page.goto(`${base}/#/live`);
    const row = page.getByTestId('lookup-row').filter({ hasText: REFUSED });
    await row.waitFor();
    assert.match(await row.innerText(), /refused by verifier[\s\S]*verifier-refused[\s\S]*verifier 0\.\d{3}/);
  });

  it('turns the verifier off for the namespace from the settings form, and sets its candidate similarity', async () => {
    await page.goto(`${base}/#/ns/${NS}`);
    await page.getByLabel('Verifier', { exact: true }).uncheck();
    await page.getByLabel('Verifier candidate similarity (used only with the verifier on)').fill('0.75');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const ns = (await (await fetch(`${base}/api/namespaces/${NS}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as NamespaceInfo;
    assert.equal(ns.settings.verifier, false);
    assert.equal(ns.settings.verifierCandidateThreshold, 0.75);
    const hit = await h.chat(REFUSED, {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic', 'the next request is decided without the verifier');
  });
});

describe('a verdict the stacked verifier gave without its cross-encoder, in the live lookups', () => {
  let h: Harness;
  let browser: Browser;

  before(async () => {
    await buildDashboard();
    const stuck: Verifier = { id: 'cross-encoder/stuck', tuned: null, score: () => new Promise<number>(() => {}) };
    const classifier = PairClassifier.forEmbedder({ provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 });
    const model = findStackedModel('onnx-local/all-minilm-l6-v2-int8', DEFAULT_CROSS_ENCODER_DIR)!;
    const verifier = new StackedVerifier(classifier, stuck, model, { maxCrossEncoderWaiting: 4, crossEncoderBudgetMs: 20 });
    h = await startHarness({ 'admin.adminTokens': [ADMIN_TOKEN], 'defaults.verifier': true }, { verifier });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('says the classifier decided alone, and why', async () => {
    await h.chat('How do I lose weight fast?');
    const hit = await h.chat('How can I lose weight fast?');
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const base = `http://127.0.0.1:${h.server.httpPort}`;
    await signIn(page, base, ADMIN_TOKEN, NS);
    await page.goto(`${base}/#/live`);
    const row = page.getByTestId('lookup-row').filter({ hasText: 'How can I lose weight fast?' });
    await row.waitFor();
    assert.match(await row.getByTestId('verifier-score').innerText(), /^verifier 0\.\d{3} \(classifier alone: cross-encoder-slow\)$/);
  });
});
