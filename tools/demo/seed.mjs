/**
 * Seeds the demo tenant the running system shows a newcomer: licences (a 600-minute pool),
 * dial-out policies, a funded wallet with auto-recharge on the sandbox card, and a toll-free
 * number. Idempotent: run it again and nothing is added twice.
 */

export const DEMO_TENANT = 'contoso';
export const DEMO_USERS = ['alice', 'bob', 'carol', 'dave'];

/**
 * @param {Record<string, string>} urls service name → base URL
 * @param {(line: string) => void} say
 * @param {string} token a bearer token allowed to change the tenant (operator, or its tenant-admin)
 * @returns {Promise<{ tollFreeNumber: string | null }>}
 */
export async function seedDemoTenant(urls, say, token) {
  bearerToken = token;
  const t = `/tenants/${DEMO_TENANT}`;
  const licensing = (method, path, body) => call(urls['licensing'], method, t + path, body);

  say(`seeding demo tenant "${DEMO_TENANT}"…`);
  for (const [sku, seats] of [
    ['OFFICE_365_E5', 10],
    ['PHONE_SYSTEM', 10],
    ['DOMESTIC_CALLING_PLAN', 10],
    ['INTERNATIONAL_CALLING_PLAN', 2],
  ]) {
    await licensing('PUT', `/subscriptions/${sku}`, { seats });
  }
  const users = { alice: 'US', bob: 'US', carol: 'US', dave: 'GB' };
  for (const [user, usageLocation] of Object.entries(users)) await licensing('PUT', `/users/${user}`, { usageLocation, displayName: user });
  // alice organizes meetings and may bill credits; bob calls on a domestic plan with credits;
  // carol has a domestic plan only; dave (GB) has an international plan.
  const licences = {
    alice: ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS'],
    bob: ['OFFICE_365_E5', 'DOMESTIC_CALLING_PLAN', 'COMMUNICATIONS_CREDITS'],
    carol: ['OFFICE_365_E5', 'DOMESTIC_CALLING_PLAN'],
    dave: ['OFFICE_365_E5', 'INTERNATIONAL_CALLING_PLAN'],
  };
  for (const [user, skus] of Object.entries(licences)) for (const sku of skus) await licensing('PUT', `/users/${user}/licenses/${sku}`);

  await call(urls['dialout-policy'], 'PUT', `${t}/users/carol/dialout-policy`, { policyName: 'DialoutCPCZoneAPSTNDomestic' });

  const wallet = (method, path, body, headers) => call(urls['credit-wallet'], method, `${t}/wallet${path}`, body, headers);
  await wallet('POST', '/funds', { amount: '50.00', currency: 'USD' }, { 'Idempotency-Key': 'demo-initial-funds' });
  await wallet('PUT', '/payment-method', { token: 'tok_sandbox_success' });
  await wallet('PUT', '/auto-recharge', {
    enabled: true,
    triggerAmount: { amount: '10.00', currency: 'USD' },
    rechargeAmount: { amount: '25.00', currency: 'USD' },
  });

  // Toll-free acquisition needs the wallet's positive balance, which reaches toll-free over
  // Kafka: wait for it, then take one US number (or keep the one we have).
  const numbers = () => call(urls['toll-free'], 'GET', `${t}/toll-free-numbers`);
  let held = await numbers();
  if (held.length === 0) {
    await until(async () => {
      const answer = await fetch(`${urls['toll-free']}${t}/toll-free-numbers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearerToken}` },
        body: JSON.stringify({ country: 'US' }),
      });
      if (answer.status === 409) return false; // credits not seen yet
      if (!answer.ok) throw new Error(`toll-free acquisition answered ${answer.status}: ${await answer.text()}`);
      return true;
    }, 'the toll-free service to see the funded wallet');
    held = await numbers();
  }
  const tollFreeNumber = held[0]?.number ?? null;
  if (tollFreeNumber) {
    await call(urls['toll-free'], 'PUT', `${t}/toll-free-numbers/${encodeURIComponent(tollFreeNumber)}/assignment`, {
      target: 'call_queue',
      targetId: 'support-queue',
    });
  }

  // The dial-out stage judges "domestic" by usage locations it learns from licensing.events.
  for (const user of DEMO_USERS) {
    await until(async () => {
      const policy = await call(urls['dialout-policy'], 'GET', `${t}/users/${user}/dialout-policy`);
      return Boolean(policy.usageLocation);
    }, `the dial-out policy service to learn ${user}'s usage location`);
  }
  say(`demo tenant ready: 600-minute pool, $50.00 with auto-recharge ($25 below $10), toll-free ${tollFreeNumber ?? '(none)'}`);
  return { tollFreeNumber };
}

/** Every call of the seeding carries this token (the API needs one: design.md "Access"). */
let bearerToken = '';

async function call(base, method, path, body, headers = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      authorization: `Bearer ${bearerToken}`,
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${base}${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function until(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
