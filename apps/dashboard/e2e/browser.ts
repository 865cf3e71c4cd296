import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the e2e tests leave their screenshots, for a person to look at. */
export const SHOTS = fileURLToPath(new URL('../test-output/screens/', import.meta.url));

/** Builds the dashboard the server under test serves, and makes the screenshot folder. */
export async function buildDashboard(): Promise<void> {
  await build({ root: ROOT, configFile: `${ROOT}vite.config.ts`, logLevel: 'warn' });
  await mkdir(SHOTS, { recursive: true });
}

/** Headless Chromium (CHROMIUM_PATH, or the system one) that calls nothing but the server under test. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** A page in a fresh context, with the timeout every e2e test uses. */
export async function openPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Gives the token screen an admin token and waits for the overview to list `ns`. */
export async function signIn(page: Page, base: string, token: string, ns: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('link', { name: ns, exact: true }).waitFor();
}
