import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startReceiver, type TestReceiver } from '../../../test-support/receiver';
import { launchBrowser, saveScreenshot, type TestBrowser } from './browser';
import { type PigeonDev, startPigeonDev } from './pigeon-dev-process';

/**
 * Clicks `refresh` until `target` is visible: message counters and attempts
 * change in the background while the worker delivers.
 */
async function refreshUntilVisible(page: Page, refresh: () => Promise<void>, selector: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.locator(selector).first().isVisible()) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${selector} did not appear within ${timeoutMs} ms`);
    }
    await page.waitForTimeout(500);
    await refresh();
  }
}

describe('web console', () => {
  let pigeon: PigeonDev;
  let browser: TestBrowser;
  let okReceiver: TestReceiver;
  let failingReceiver: TestReceiver;
  let page: Page;
  let applicationUrl: string;

  beforeAll(async () => {
    okReceiver = await startReceiver([200]);
    failingReceiver = await startReceiver([500]);
    // One try per attempt, so the failing endpoint dead-letters at once.
    pigeon = await startPigeonDev({ PIGEON_WORKER_MAX_RETRIES: '1' });
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await pigeon?.stop();
    await okReceiver?.stop();
    await failingReceiver?.stop();
  });

  it('signs in through the dev provider', async () => {
    // A controllable clock lets the renewal test jump to shortly before the token expires.
    await page.clock.install();
    await page.goto(`${pigeon.baseUrl}/applications`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await saveScreenshot(page, '01-sign-in');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="login"]').fill('alice@example.com');
    await page.locator('input[name="password"]').fill('any password');
    await saveScreenshot(page, '02-provider-login');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${pigeon.baseUrl}/applications`);

    await expect(page.getByTestId('user-name').textContent()).resolves.toContain('alice@example.com');
    await page.getByText('No applications yet').waitFor();
  });

  it('creates an application', async () => {
    await page.getByRole('button', { name: 'New application' }).click();
    await page.locator('input[name="name"]').fill('Billing service');
    await page.getByRole('button', { name: 'Create application' }).click();

    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    applicationUrl = page.url();
    await page.getByRole('heading', { name: 'Billing service' }).waitFor();
    await expect(page.getByTestId('stats-cards').textContent()).resolves.toContain('Messages0');
  });

  it('creates an event type with a schema', async () => {
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('button', { name: 'New event type' }).click();
    await page.locator('input[name="event-type-name"]').fill('invoice.paid');
    await page.locator('textarea').fill('{"type": "object", "required": ["invoice_id"]}');
    await page.getByRole('button', { name: 'Create event type' }).click();

    await page.getByTestId('event-types-table').getByText('invoice.paid').waitFor();
    await saveScreenshot(page, '04-event-types');
  });

  it('creates endpoints and shows each secret once', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();

    for (const [name, url] of [
      ['Ledger', okReceiver.url],
      ['Broken receiver', failingReceiver.url],
    ] as const) {
      await page.getByRole('button', { name: 'New endpoint' }).click();
      await page.locator('input[name="url"]').fill(url);
      await page.locator('input[name="endpoint-name"]').fill(name);
      await page.getByLabel('invoice.paid').check();
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      const secret = await page.getByTestId('signing-secret').textContent();
      expect(secret).toMatch(/^whsec_/);
      if (name === 'Ledger') {
        await saveScreenshot(page, '05-endpoint-secret');
      }
      await page.getByRole('button', { name: 'Done' }).click();
    }

    await page.getByTestId('endpoints-table').getByText('Broken receiver').waitFor();
    await saveScreenshot(page, '06-endpoints');
  });

  it('sends a message and shows the successful attempt', async () => {
    await page.getByRole('link', { name: 'Send message' }).first().click();
    await page.locator('textarea').fill('{"invoice_id": 42, "amount": 99.5}');
    await saveScreenshot(page, '07-send-message');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByTestId('send-result').getByText('2 attempts created').waitFor();

    await okReceiver.waitForRequests(1);
    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await page.getByRole('button', { name: 'Show attempts' }).first().click();
    const refresh = () => page.getByTestId('messages-list').getByRole('button', { name: 'Refresh' }).first().click();
    await refreshUntilVisible(page, refresh, '[data-testid="attempt"]:has-text("succeeded"):has-text("HTTP 200")');
    await refreshUntilVisible(page, refresh, '[data-testid="attempt"]:has-text("failed"):has-text("HTTP 500")');

    expect(JSON.parse(okReceiver.requests[0]!.body.toString('utf8'))).toEqual({ invoice_id: 42, amount: 99.5 });
    await saveScreenshot(page, '08-messages-attempts');
  });

  it('replays a dead letter', async () => {
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const refresh = () => page.getByRole('button', { name: 'Refresh' }).click();
    await refreshUntilVisible(page, refresh, '[data-testid="dead-letter-row"]:has-text("Broken receiver")');
    await saveScreenshot(page, '09-dead-letters');

    await page.getByRole('button', { name: 'Replay' }).first().click();

    await page.locator('[data-testid="dead-letter-row"]:has-text("replayed")').first().waitFor();
    await failingReceiver.waitForRequests(2);
    expect(failingReceiver.requests).toHaveLength(2);
  });

  it('shows the dashboard with delivery stats', async () => {
    await page.goto(applicationUrl);
    const cards = page.getByTestId('stats-cards');
    await cards.waitFor();

    await expect(cards.textContent()).resolves.toContain('Messages1');
    await page.getByRole('button', { name: '7 days' }).click();
    await page.getByRole('button', { name: '24 h' }).click();
    await saveScreenshot(page, '03-dashboard');
  });

  it('shows the endpoint and event type detail pages', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: 'Ledger' }).click();
    await page.getByText('Signing secrets').waitFor();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByTestId('signing-secret').waitFor();
    await saveScreenshot(page, '10-endpoint-detail');

    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('link', { name: 'invoice.paid' }).click();
    await page.getByText('Recent messages').waitFor();
    await saveScreenshot(page, '11-event-type-detail');
  });

  it('shows the audit log, OIDC settings and organizations', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-table').getByText('CreateEndpoint').first().waitFor();
    await saveScreenshot(page, '12-audit-log');

    await page.getByRole('link', { name: 'OIDC settings' }).click();
    await page.getByTestId('oidc-table').getByText('pigeon-dev').waitFor();
    await saveScreenshot(page, '13-oidc-settings');

    await page.getByRole('link', { name: 'Organizations' }).click();
    await page.getByTestId('organizations-table').getByRole('cell', { name: 'system', exact: true }).waitFor();
    await saveScreenshot(page, '14-organizations');
  });

  it('renders in the dark theme and at phone width', async () => {
    await page.getByLabel('Theme').selectOption('dark');
    await page.goto(applicationUrl);
    await page.getByTestId('stats-cards').waitFor();
    await saveScreenshot(page, '15-dashboard-dark');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${applicationUrl}/messages`);
    await page.getByTestId('messages-list').waitFor();
    await saveScreenshot(page, '16-messages-phone-dark');

    await page.getByLabel('Theme').selectOption('light');
    await page.goto(`${pigeon.baseUrl}/applications`);
    await page.getByTestId('applications-table').waitFor();
    await saveScreenshot(page, '17-applications-phone');
  });

  it('renews the token silently before it expires', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${pigeon.baseUrl}/applications`);
    await page.getByTestId('applications-table').waitFor();
    const storedToken = () =>
      page.evaluate(() => {
        const key = Object.keys(sessionStorage).find((name) => name.startsWith('oidc.user:'));

        return key === undefined ? null : (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { access_token?: string }).access_token;
      });
    const before = await storedToken();

    // Tokens last an hour, and oidc-client-ts renews 60 s before expiry.
    await page.clock.fastForward('59:10');
    const deadline = Date.now() + 15_000;
    while ((await storedToken()) === before && Date.now() < deadline) {
      await page.waitForTimeout(250);
    }

    const after = await storedToken();
    expect(before).toEqual(expect.any(String));
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-table').waitFor();
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const confirm = page.locator('button[name="logout"], button[type="submit"]');
    await confirm.first().click();

    await page.waitForURL(`${pigeon.baseUrl}/sign-in**`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
