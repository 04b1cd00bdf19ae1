import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Topics } from '@comms-credits/contracts';
import { TestSystem, asRole, http, startTestSystem, testToken } from '@comms-credits/service-testing';
import { TestKafka, callEnded, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { parse } from 'csv-parse/sync';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsoleServer, SERVICE_NAMES, buildConsole, launchChromium, screenshot, startConsole, systemServices } from './console-harness';

/**
 * The ops console in headless Chromium against the real services (in this process, with their
 * own databases and topics) and seeded data: what a platform operator, a tenant's admin and a
 * tenant's reader see and may do. Every wait is for a condition on the page, never for time.
 */
const WAIT = { timeout: 30_000 };

/**
 * Picks an option of a Mantine select. The pages refresh while calls flow, and a refresh that
 * lands between opening the dropdown and the click can close it (CI saw the option stay hidden):
 * open it again, a few times, rather than wait on a closed dropdown.
 */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId(testId).click();
    try {
      await page.getByRole('option', { name: option, exact: true }).click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

describe('ops console in a real browser', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let server: ConsoleServer;
  let browser: Browser;
  const tenant = uniqueTenant('console');
  const other = uniqueTenant('other');
  const hasReporting = systemServices().some((s) => s.name === 'reporting');
  const callIds = [`pool-a-${randomUUID().slice(0, 6)}`, `pool-b-${randomUUID().slice(0, 6)}`, `user-c-${randomUUID().slice(0, 6)}`];

  const api = async (method: 'GET' | 'PUT' | 'POST', service: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const answer = await http<Record<string, unknown>>(method, `${system.url(service)}/tenants/${tenant}${path}`, body, headers);
    if (answer.status >= 300) throw new Error(`${method} ${service}${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  beforeAll(async () => {
    const staticDir = buildConsole();
    system = await startTestSystem(systemServices(), { WALLET_WORKER_POLL_MS: 200 });
    kafka = new TestKafka(undefined, system.prefix);

    // A 600-minute pool (10 E5 seats), alice (US) licensed for meetings and credits, $50.00 that recharges $25 below $10.
    await api('PUT', 'licensing', '/subscriptions/OFFICE_365_E5', { seats: 10 });
    await api('PUT', 'licensing', '/users/alice', { usageLocation: 'US', displayName: 'Alice' });
    await api('PUT', 'licensing', '/users/alice/licenses/OFFICE_365_E5');
    await api('PUT', 'licensing', '/users/alice/licenses/COMMUNICATIONS_CREDITS');
    await api('PUT', 'licensing', '/users/bob', { usageLocation: 'US' });
    await api('POST', 'credit-wallet', '/wallet/funds', { amount: '50.00', currency: 'USD' }, { 'Idempotency-Key': randomUUID() });
    await api('PUT', 'credit-wallet', '/wallet/payment-method', { token: 'tok_sandbox_success' });
    await api('PUT', 'credit-wallet', '/wallet/auto-recharge', {
      enabled: true,
      triggerAmount: { amount: '10.00', currency: 'USD' },
      rechargeAmount: { amount: '25.00', currency: 'USD' },
    });
    const answer = await http('PUT', `${system.url('licensing')}/tenants/${other}/subscriptions/OFFICE_365_E5`, { seats: 1 });
    expect(answer.status).toBe(200);

    // Two meeting dial-outs to Paris from the pool (5 + 3 minutes) and one call bob may not make.
    const started = new Date(Date.now() - 10 * 60_000).toISOString();
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: callIds[0]!, occurredAt: started }),
      callStarted({ tenantId: tenant, callId: callIds[1]!, occurredAt: started }),
      callStarted({ tenantId: tenant, callId: callIds[2]!, callType: 'user_out', userId: 'bob', occurredAt: started }),
    ]);
    await eventually(async () => {
      const calls = await system.get<{ callId: string; funding: string | null }[]>('pool-ledger', `/tenants/${tenant}/pool/calls`);
      if (calls.filter((c) => c.funding === 'pool').length < 2) throw new Error('the pool has not admitted both calls yet');
    });
    await kafka.publish(Topics.CallEnded, [
      callEnded({ tenantId: tenant, callId: callIds[0]!, durationSeconds: 300 }),
      callEnded({ tenantId: tenant, callId: callIds[1]!, durationSeconds: 125 }),
    ]);
    await eventually(async () => {
      const pool = await system.get<{ usedMinutes: number }>('pool-ledger', `/tenants/${tenant}/pool`);
      if (pool.usedMinutes !== 8) throw new Error(`pool used ${pool.usedMinutes}`);
    });

    // A service missing from the system (reporting, until it lands) points at a closed port.
    server = await startConsole(staticDir, Object.fromEntries(SERVICE_NAMES.map((name) => [name, system.services[name]?.url ?? 'http://127.0.0.1:9'])));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await kafka?.close();
    await system?.stop();
  });

  async function signedIn(roles: ('operator' | 'tenant-admin' | 'tenant-reader')[], tid?: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const token = await testToken({ roles, tenant: tid, sub: `e2e-${roles[0]}`, ttlSeconds: 3600 });
    // The development sign-in link `npm start` prints: the token in the fragment.
    await page.goto(`${server.url}/sign-in#token=${token}`);
    await page.getByTestId('signed-in-as').waitFor(WAIT);
    return { context, page };
  }

  const hasText = (page: Page, testId: string, text: string | RegExp) => page.locator(`[data-testid="${testId}"]`, { hasText: text }).first().waitFor(WAIT);

  it('signs the operator in with a pasted token, lists tenants with search, and shows a tenant’s pool and balance', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('token-input').waitFor(WAIT);
    await page.getByTestId('token-input').fill('not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await hasText(page, 'sign-in-error', 'not a bearer token');
    await page.getByTestId('token-input').fill(await testToken({ roles: ['operator'], sub: 'e2e-operator' }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/tenants$/, WAIT);

    const row = page.locator(`tr[data-tenant="${tenant}"]`);
    await row.locator('[data-col="pool"]', { hasText: '1.3 % of 600 min' }).waitFor(WAIT);
    await row.locator('[data-col="balance"]', { hasText: '$50.00' }).waitFor(WAIT);
    await row.locator('[data-col="owed"]', { hasText: '$0.00' }).waitFor(WAIT);
    await page.locator(`tr[data-tenant="${other}"]`).waitFor(WAIT);
    await screenshot(page, '01-tenants');

    await page.getByTestId('tenant-search').fill(tenant.slice(0, 12));
    await page.locator(`tr[data-tenant="${other}"]`).waitFor({ state: 'detached', ...WAIT });
    await row.getByRole('link', { name: tenant }).click();

    await page.waitForURL(new RegExp(`/tenants/${tenant}$`), WAIT);
    await hasText(page, 'pool-capacity', /^600$/);
    await hasText(page, 'pool-used', /^8$/);
    await hasText(page, 'pool-reserved', /^0$/);
    await hasText(page, 'pool-available', /^592$/);
    await hasText(page, 'pool-used-percent', '1.3 % used');
    await hasText(page, 'wallet-balance', '$50.00');
    await hasText(page, 'wallet-auto-recharge', '$25.00 below $10.00');
    // The charts are drawn by Recharts: the gauge's three parts and its 80 % / 100 % marks, the balance line.
    const gauge = page.getByTestId('pool-gauge');
    await gauge.locator('text', { hasText: /^80 %$/ }).waitFor(WAIT);
    await gauge.locator('text', { hasText: /^100 %$/ }).waitFor(WAIT);
    expect(await gauge.locator('.recharts-reference-line').count()).toBe(2);
    expect(await gauge.locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(2);
    const balanceChart = page.getByTestId('balance-chart');
    await balanceChart.getByText('0 auto-recharges and 1 top-up in view').waitFor(WAIT);
    await balanceChart.locator('.recharts-scatter-symbol').first().waitFor(WAIT);
    await page.getByTestId('pool-per-day').locator('.recharts-surface').waitFor(WAIT);
    await page.getByTestId('alerts-none').waitFor(WAIT);
    await screenshot(page, '02-tenant-overview');

    await page.getByRole('link', { name: 'Licences & policies' }).click();
    await page.locator('tr[data-user="alice"] [data-col="policy"]', { hasText: 'DialoutCPCandPSTNInternational' }).waitFor(WAIT);
    await page.locator('tr[data-sku="OFFICE_365_E5"]', { hasText: '10' }).waitFor(WAIT);
    await screenshot(page, '03-licences');

    // A hostile CallEnded (not JSON) that every consumer of the topic dead-letters.
    const lostCall = `lost-${randomUUID().slice(0, 6)}`;
    await kafka.publishRaw(Topics.CallEnded, [{ key: tenant, value: `{"callId": "${lostCall}", "durationSeconds": ` }]);
    await page.getByRole('link', { name: 'Operations' }).click();
    for (const service of ['licensing', 'dialout-policy', 'pool-ledger', 'credit-wallet', 'toll-free']) await hasText(page, `ready-${service}`, 'ready');
    await screenshot(page, '04-operations');

    if (hasReporting) {
      // Dead letters: listed (filtered by topic), opened, replayed with a fixed payload, and the replay is in the audit.
      await choose(page, 'dead-letter-topic', Topics.CallEnded);
      const letter = page.locator(`[data-testid="dead-letters-table"] tr[data-key="${tenant}"]`, { hasText: 'INVALID_JSON' }).first();
      await letter.waitFor(WAIT);
      await screenshot(page, '04b-dead-letters');
      await letter.click();
      await page.getByTestId('dead-letter-headers').getByText('dlt-original-topic').waitFor(WAIT);
      await page.getByTestId('dead-letter-payload').fill('{"callId": ');
      await page.getByTestId('replay-fixed').click();
      await hasText(page, 'dead-letter-invalid', 'not JSON');
      await page.getByTestId('dead-letter-payload').fill(JSON.stringify(callEnded({ tenantId: tenant, callId: lostCall, durationSeconds: 61 })));
      await page.getByTestId('replay-fixed').click();
      await hasText(page, 'replayed', `Replayed to ${Topics.CallEnded} partition`);
      await screenshot(page, '04c-dead-letter-replayed');
      const audit = await http<{ items: { eventType: string; actor: { sub: string } }[] }>('GET', `${system.url('reporting')}/tenants/${tenant}/audit`);
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({ eventType: 'DeadLetterReplayed', actor: expect.objectContaining({ sub: 'e2e-operator' }) }),
      );
    }
    await context.close();
  });

  it('shows a tenant reader their tenant without edit controls, and says forbidden elsewhere', async () => {
    const { context, page } = await signedIn(['tenant-reader'], tenant);
    await page.waitForURL(new RegExp(`/tenants/${tenant}$`), WAIT);
    await hasText(page, 'pool-used', /^8$/);

    await page.getByRole('link', { name: 'Wallet' }).click();
    await hasText(page, 'wallet-balance', '$50.00');
    await hasText(page, 'ar-trigger-text', '$10.00');
    await hasText(page, 'payment-hint', /\S/);
    expect(await page.getByTestId('ar-save').count()).toBe(0);
    expect(await page.getByTestId('funds-add').count()).toBe(0);
    expect(await page.getByTestId('payment-token').count()).toBe(0);
    await screenshot(page, '05-reader-wallet');

    await page.getByRole('link', { name: 'Licences & policies' }).click();
    await page.locator('tr[data-user="alice"]').waitFor(WAIT);
    expect(await page.getByRole('button', { name: /Set seats|Assign|Grant/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Toll-free numbers' }).click();
    await hasText(page, 'toll-free-quota', 'held');
    expect(await page.getByTestId('toll-free-acquire').count()).toBe(0);

    await page.goto(`${server.url}/tenants/${other}/wallet`);
    await hasText(page, 'forbidden', `tenant ${other}`);
    await screenshot(page, '06-reader-forbidden-tenant');
    await page.goto(`${server.url}/tenants`);
    await hasText(page, 'forbidden', 'the list of tenants');
    await page.goto(`${server.url}/operations`);
    await hasText(page, 'forbidden', 'the operations page');
    expect(await page.getByTestId('dead-letters').count()).toBe(0);
    const deadLetters = await http('GET', `${system.url('reporting')}/dead-letters`, undefined, await asRole({ roles: ['tenant-reader'], tenant }));
    expect(deadLetters.status).toBe(403);
    // The services refuse it too, whatever the console shows: the same 403 as any other tenant's data.
    const refused = await http('GET', `${system.url('credit-wallet')}/tenants/${other}/wallet`, undefined, await asRole({ roles: ['tenant-reader'], tenant }));
    expect(refused.status).toBe(403);
    await context.close();
  });

  it('lets a tenant admin change auto-recharge, showing a refused change as a readable message', async () => {
    const { context, page } = await signedIn(['tenant-admin'], tenant);
    await page.goto(`${server.url}/tenants/${tenant}/wallet`);
    await hasText(page, 'wallet-balance', '$50.00');
    await page.locator('[data-testid="ar-trigger"][value="10.00"]').waitFor(WAIT);

    await page.getByTestId('ar-trigger').fill('ten dollars');
    await page.getByTestId('ar-save').click();
    const problem = page.getByTestId('problem').filter({ hasText: 'Auto-recharge not changed' });
    await problem.waitFor(WAIT);
    const message = (await problem.textContent()) ?? '';
    expect(message).toMatch(/amount/i);
    expect(message).toMatch(/code (VALIDATION_FAILED|WALLET\.INVALID_AMOUNT)/);
    expect(message).not.toMatch(/\{|"type"/); // a sentence, not JSON
    await screenshot(page, '07-admin-wallet-refused');

    await page.getByTestId('ar-trigger').fill('15.00');
    await page.getByTestId('ar-amount').fill('30.00');
    await page.getByTestId('ar-cap').fill('4');
    await page.getByTestId('ar-save').click();
    await page.getByTestId('ar-saved').waitFor(WAIT);
    const wallet = (await api('GET', 'credit-wallet', '/wallet')) as {
      autoRecharge: { triggerAmount: { amount: string }; rechargeAmount: { amount: string }; maxRechargesPerMonth: number | null };
    };
    expect(wallet.autoRecharge).toMatchObject({ triggerAmount: { amount: '15.00' }, rechargeAmount: { amount: '30.00' }, maxRechargesPerMonth: 4 });

    // It took effect: the overview reads the new settings from the service.
    await page.getByRole('link', { name: 'Overview' }).click();
    await hasText(page, 'wallet-auto-recharge', '$30.00 below $15.00');
    await screenshot(page, '08-admin-overview-after-change');
    await context.close();
  });

  it('shows the usage report with filters and a CSV download, or says readably that the reporting service does not answer', async () => {
    const { context, page } = await signedIn(['operator']);
    await page.goto(`${server.url}/tenants/${tenant}/calls`);
    if (!hasReporting) {
      const problem = page.getByTestId('problem').filter({ hasText: 'The usage report cannot be shown' });
      await problem.waitFor(WAIT);
      expect(await problem.textContent()).toMatch(/reporting is not reachable \(ECONNREFUSED\).*code CONSOLE\.SERVICE_UNREACHABLE/);
      await screenshot(page, '09-calls-reporting-unreachable');
      await context.close();
      return;
    }
    for (const id of callIds) await page.locator(`tr[data-call="${id}"]`).waitFor(WAIT);
    await screenshot(page, '09-calls');

    await choose(page, 'filter-funding', 'pool');
    await page.getByTestId('filter-apply').click();
    await page.locator(`tr[data-call="${callIds[2]}"]`).waitFor({ state: 'detached', ...WAIT });
    await page.locator(`tr[data-call="${callIds[0]}"]`).waitFor(WAIT);
    expect(await page.locator('[data-testid="usage-table"] tbody tr').count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByTestId('csv-download').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^usage-${tenant}-\\d{4}-\\d{2}-\\d{2}-to-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['callId']).sort()).toEqual([callIds[0], callIds[1]].sort());
    expect(rows.find((r) => r['callId'] === callIds[0])).toMatchObject({ funding: 'pool', poolMinutes: '5', durationSeconds: '300' });

    await page.locator(`tr[data-call="${callIds[0]}"]`).click();
    const detail = page.getByTestId('call-detail');
    await detail.locator('[data-field="pool minutes"]', { hasText: /^5$/ }).waitFor(WAIT);
    await detail.locator('[data-outcome="admitted"]', { hasText: 'pool-ledger' }).waitFor(WAIT);
    await detail.locator('[data-outcome="not-reached"]', { hasText: 'credit-wallet' }).waitFor(WAIT);
    await screenshot(page, '10-call-detail');
    await context.close();
  });
});
