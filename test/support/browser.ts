import { afterAll, beforeAll } from 'bun:test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Real Chromium for the page tests: Debian's (apt-get install chromium; CI installs it), never a
// browser a test tool downloads. The flags keep it off this machine's closed network.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Serve an app on 127.0.0.1 for one test file and launch Chromium before its tests; both end after them.
 * `shots` is a directory of its own per run, so parallel runs never overwrite each other's screenshots.
 */
export function browserOn(app: { fetch: (req: Request, server?: any) => Response | Promise<Response> }) {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, srv) => app.fetch(req, srv), idleTimeout: 30 });
  const session = {
    origin: `http://127.0.0.1:${server.port}`,
    shots: mkdtempSync(join(tmpdir(), 'tillstream-shots-')),
    browser: undefined as unknown as Browser,
  };
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Browser tests need Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (CI installs it).`);
    }
    session.browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 20_000);
  afterAll(async () => {
    await session.browser?.close();
    server.stop(true);
  });
  return session;
}

/**
 * On a phone the header's sections, location picker, Refresh and Sign out fold into a Menu (a <details>):
 * open it before using them. Where the header shows in full (tablet width and up) this does nothing.
 */
export async function openMenu(page: Page) {
  const button = page.locator('header.top details.menu:not([open]) > summary');
  if (await button.isVisible()) await button.click();
}

/** A phone (390×844) below 600 px wide, else a counter tablet or desktop (width×800). */
export const viewportOf = (width: number) => ({ width, height: width < 600 ? 844 : 800 });

/** How far the page scrolls sideways (0 or less: it fits). */
export const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * A fresh browser context at `width`, signed in to `tenant`'s admin as `email`, on the dashboard. Page
 * errors are printed, so a script that throws is seen in the test's output.
 */
export async function signedInPage(
  session: { origin: string; browser: Browser }, width: number,
  who: { tenant?: string; email?: string; password?: string } = {},
): Promise<Page> {
  const { tenant = 'alpha', email = 'owner@alpha.test', password = 'correct horse' } = who;
  const context = await session.browser.newContext({ viewport: viewportOf(width), deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${session.origin}/${tenant}/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${session.origin}/${tenant}/admin/dashboard`);
  return page;
}
