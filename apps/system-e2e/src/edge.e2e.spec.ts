import { tollFreeService } from '@comms-credits/toll-free';
import { TestSystem, asRole, http, startTestSystem } from '@comms-credits/service-testing';
import { uniqueTenant } from '@comms-credits/testing';

/**
 * docs/security.md "At the edge", on a real service: the body size limit (413 problem+json),
 * helmet's headers, CORS for the configured origin only, and the per-token rate limit.
 */
describe('the HTTP edge', () => {
  let system: TestSystem;
  let url: string;
  const consoleOrigin = 'https://console.example.com';
  const LIMIT = 25;

  beforeAll(async () => {
    system = await startTestSystem([tollFreeService], { RATE_LIMIT_PER_MINUTE: LIMIT, CORS_ORIGINS: consoleOrigin });
    url = system.url('toll-free');
  });
  afterAll(async () => {
    await system?.stop();
  });

  const raw = async (method: string, path: string, body: string | undefined, headers: Record<string, string>) => {
    const response = await fetch(url + path, { method, body, headers });
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      text,
      json: text.startsWith('{') ? JSON.parse(text) : undefined,
    };
  };

  it('refuses a JSON body over 64 KiB with 413 problem+json, and broken JSON with 400, before the route', async () => {
    const headers = { ...(await asRole({ roles: ['operator'], sub: 'edge-body' })), 'content-type': 'application/json' };
    const tenant = uniqueTenant('edge');
    const big = JSON.stringify({ country: 'US', padding: 'x'.repeat(70_000) });
    const tooLarge = await raw('POST', `/tenants/${tenant}/toll-free-numbers`, big, headers);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['content-type']).toContain('application/problem+json');
    expect(tooLarge.json).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', detail: expect.stringContaining('65536') });
    expect(tooLarge.text).not.toContain('xxxx');

    // Just under the limit it is read (and refused by validation, not by size).
    const under = await raw('POST', `/tenants/${tenant}/toll-free-numbers`, JSON.stringify({ country: 'US', padding: 'x'.repeat(60_000) }), headers);
    expect(under).toMatchObject({ status: 400, json: { code: 'VALIDATION_FAILED' } });

    const broken = await raw('POST', `/tenants/${tenant}/toll-free-numbers`, '{"country": "US", "secret": "+14255550100"', headers);
    expect(broken.status).toBe(400);
    expect(broken.headers['content-type']).toContain('application/problem+json');
    expect(broken.json).toMatchObject({ code: 'BAD_REQUEST', detail: 'the request body is not valid JSON' });
    expect(broken.text).not.toContain('+14255550100');
  });

  it("sends helmet's headers on API answers, errors and /docs, and no X-Powered-By", async () => {
    for (const path of [`/tenants/${uniqueTenant('edge')}/toll-free-numbers`, '/health', '/no-such-route', '/docs']) {
      const answer = await raw('GET', path, undefined, await asRole({ roles: ['operator'], sub: 'edge-headers' }));
      expect(answer.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'cross-origin-opener-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
      });
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });

  it("allows CORS from CORS_ORIGINS only (preflight and request), with the API's headers", async () => {
    const preflight = await raw('OPTIONS', '/tenants/contoso/toll-free-numbers', undefined, {
      origin: consoleOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': consoleOrigin });
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization.*Idempotency-Key/);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const stranger = await raw('OPTIONS', '/tenants/contoso/toll-free-numbers', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const request = await raw('GET', '/health', undefined, { origin: 'https://evil.example' });
    expect(request.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw('GET', '/health', undefined, { origin: consoleOrigin })).headers['access-control-allow-origin']).toBe(consoleOrigin);
  });

  it('limits requests per token: 429 RATE_LIMITED with Retry-After past the limit; other tokens and probes go on', async () => {
    const tenant = uniqueTenant('edge');
    const path = `${url}/tenants/${tenant}/toll-free-numbers`;
    const busy = await asRole({ roles: ['tenant-reader'], tenant, sub: 'busy' });
    const answers = [];
    for (let i = 0; i < LIMIT; i++) answers.push((await http('GET', path, undefined, busy)).status);
    expect(answers).toEqual(Array(LIMIT).fill(200));
    const refused = await http('GET', path, undefined, busy);
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED', title: 'Too many requests' } });
    expect(refused.contentType).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Another token of the same user and tenant has its own budget; probes are never limited.
    expect((await http('GET', path, undefined, await asRole({ roles: ['tenant-reader'], tenant, sub: 'busy', ttlSeconds: 1800 }))).status).toBe(200);
    for (let i = 0; i < LIMIT + 5; i++) expect((await http('GET', `${url}/health/live`)).status).toBe(200);
  });
});
