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
