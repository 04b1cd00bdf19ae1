import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Transactions } from '@comms-credits/event-store';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeySet, signDevToken } from '@comms-credits/platform';
import { ANONYMOUS, TestSystem, asRole, bearer, http, startTestSystem, testKeySet, testToken } from '@comms-credits/service-testing';
import { eventually, uniqueTenant } from '@comms-credits/testing';
import { allServices, serviceNames } from './all-services';

/**
 * design.md "Access", over every route of every service, as the services' own OpenAPI
 * documents list them: a route added tomorrow is in this table without anyone adding it.
 */

interface Route {
  service: string;
  method: string;
  /** The OpenAPI path, e.g. `/tenants/{tenantId}/wallet/funds`. */
  path: string;
}

const PUBLIC = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Routes without a tenant, and who may call them. A new one fails the test until it is added
 * here on purpose (it is readable by every tenant, or writable by operators only).
 */
const GLOBAL_ROUTES: Record<string, 'any-role' | 'operator'> = {
  'credit-wallet GET /rates': 'any-role',
  'credit-wallet GET /rates/versions': 'any-role',
  'credit-wallet PUT /rates/{version}': 'operator',
  'dialout-policy GET /dialout-policies': 'any-role',
  'licensing GET /tenants': 'operator',
  'reporting GET /tenants': 'operator',
  'reporting GET /dead-letters': 'operator',
  'reporting GET /dead-letters/{topic}/{partition}/{offset}': 'operator',
  'reporting POST /dead-letters/{topic}/{partition}/{offset}/replay': 'operator',
};

const SAMPLE_PARAMS: Record<string, string> = {
  userId: 'alice',
  sku: 'OFFICE_365_E5',
  number: '+18005550100',
  callId: 'c-1',
  version: '2099-01',
  id: 'x',
};

const isRead = (method: string) => method === 'GET' || method === 'HEAD';
const key = (route: Route) => `${route.service} ${route.method} ${route.path}`;

function urlOf(system: TestSystem, route: Route, tenant: string): string {
  const concrete = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(name === 'tenantId' ? tenant : (SAMPLE_PARAMS[name] ?? 'x')));
  return system.url(route.service) + concrete;
}

function call(system: TestSystem, route: Route, tenant: string, headers: Record<string, string>) {
  return http(route.method as 'GET', urlOf(system, route, tenant), isRead(route.method) ? undefined : {}, headers);
}

/** A problem without `instance` (the URL asked for): what may differ between two refusals. */
function refusal(answer: { status: number; body: Record<string, unknown> }): Record<string, unknown> {
  const { instance: _instance, ...rest } = answer.body ?? {};
  return { ...rest, status: answer.status };
}

describe('access: bearer tokens, roles and tenants on every route', () => {
  let system: TestSystem;
  let routes: Route[];
  const tenantA = uniqueTenant('contoso');
  const tenantB = uniqueTenant('fabrikam'); // exists: it gets a wallet and a user
  const tenantC = uniqueTenant('nobody'); // never exists

  beforeAll(async () => {
    system = await startTestSystem(allServices);
    routes = [];
    for (const service of serviceNames) {
      // The documents are public, like /docs itself.
      const document = (await http<{ paths: Record<string, Record<string, unknown>> }>('GET', `${system.url(service)}/docs-json`, undefined, ANONYMOUS)).body;
      for (const [p, operations] of Object.entries(document.paths)) {
        for (const method of Object.keys(operations)) routes.push({ service, method: method.toUpperCase(), path: p });
      }
    }
    // Tenant B exists in the services that keep tenants' state.
    expect(
      (await http('POST', `${system.url('credit-wallet')}/tenants/${tenantB}/wallet/funds`, { amount: '5.00', currency: 'USD' }, { 'Idempotency-Key': 'b-1' }))
        .status,
    ).toBeLessThan(300);
    expect((await http('PUT', `${system.url('licensing')}/tenants/${tenantB}/users/bob`, { usageLocation: 'US', displayName: 'bob' })).status).toBeLessThan(
      300,
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('knows every route of the six services, and a rule for each route without a tenant', () => {
    expect(routes.length).toBeGreaterThan(25);
    const globals = routes.filter((r) => !PUBLIC.has(r.path) && !r.path.includes('{tenantId}')).map(key);
    expect(globals.sort()).toEqual(Object.keys(GLOBAL_ROUTES).sort());
    for (const service of serviceNames) {
      expect(routes.map(key)).toContain(`${service} GET /tenants/{tenantId}/audit`);
      expect(routes.map(key)).toContain(`${service} GET /health`);
    }
  });

  it('serves health, metrics and the OpenAPI page without a token', async () => {
    for (const route of routes.filter((r) => PUBLIC.has(r.path))) {
      const answer = await call(system, route, tenantA, ANONYMOUS);
      expect([key(route), answer.status]).not.toEqual([key(route), 401]);
      expect([key(route), answer.status]).not.toEqual([key(route), 403]);
    }
    for (const service of serviceNames) expect((await fetch(`${system.url(service)}/docs`)).status).toBe(200);
  });

  describe('401 AUTH.UNAUTHENTICATED on every other route', () => {
    const cases: Array<[string, () => Promise<Record<string, string>>]> = [
      ['no token', async () => ANONYMOUS],
      ['not a bearer token', async () => ({ authorization: 'Basic b3BlcmF0b3I6b3BlcmF0b3I=' })],
      ['a malformed token', async () => bearer('not-a-jwt')],
      ['an expired token', async () => asRole({ roles: ['operator'], ttlSeconds: -3600 })],
      ['a token not valid yet', async () => asRole({ roles: ['operator'], notBeforeSeconds: 3600 })],
      ['the wrong issuer', async () => asRole({ roles: ['operator'], issuer: 'https://evil.example.com' })],
      ['the wrong audience', async () => asRole({ roles: ['operator'], audience: 'another-api' })],
      [
        'a token of another key',
        async () => bearer(await signDevToken(await ensureDevKeySet(mkdtempSync(path.join(tmpdir(), 'other-key-'))), { roles: ['operator'] })),
      ],
      [
        'a bad signature',
        async () => {
          const [header, payload, signature] = (await testToken({ roles: ['operator'] })).split('.');
          const flipped = (signature!.startsWith('A') ? 'B' : 'A') + signature!.slice(1);
          return bearer(`${header}.${payload}.${flipped}`);
        },
      ],
      [
        'alg none',
        async () =>
          bearer(
            new UnsecuredJWT({ roles: ['operator'] }).setSubject('mallory').setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('1h').encode(),
          ),
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const publicJwks = readFileSync((await testKeySet()).jwksFile);
          const jwk = JSON.parse(publicJwks.toString()).keys[0];
          return bearer(
            await new SignJWT({ roles: ['operator'] })
              .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
              .setSubject('mallory')
              .setIssuer(DEV_ISSUER)
              .setAudience(DEV_AUDIENCE)
              .setExpirationTime('1h')
              .sign(new Uint8Array(publicJwks)),
          );
        },
      ],
    ];

    it.each(cases)('%s', async (_, headersOf) => {
      const headers = await headersOf();
      const wrong: string[] = [];
      for (const route of routes.filter((r) => !PUBLIC.has(r.path))) {
        const answer = await call(system, route, tenantA, headers);
        if (answer.status !== 401 || answer.body['code'] !== 'AUTH.UNAUTHENTICATED' || !answer.contentType?.startsWith('application/problem+json')) {
          wrong.push(`${key(route)} → ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  it('lets an operator through on every route (whatever the answer, never 401 or 403)', async () => {
    const refused: string[] = [];
    for (const route of routes) {
      const answer = await call(system, route, tenantA, {});
      if (answer.status === 401 || answer.status === 403) refused.push(`${key(route)} → ${answer.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('lets a tenant reader read its tenant and nothing more', async () => {
    const reader = await asRole({ roles: ['tenant-reader'], tenant: tenantA, sub: 'reader@a' });
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC.has(r.path))) {
      const answer = await call(system, route, tenantA, reader);
      const global = GLOBAL_ROUTES[key(route)];
      const allowed = isRead(route.method) && (route.path.includes('{tenantId}') || global === 'any-role');
      const refused = answer.status === 403 && answer.body['code'] === 'AUTH.FORBIDDEN';
      if (allowed === refused || answer.status === 401) wrong.push(`${key(route)} → ${answer.status} (expected ${allowed ? 'allowed' : '403'})`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets a tenant admin read and write its tenant, read the global routes, and publish nothing', async () => {
    const admin = await asRole({ roles: ['tenant-admin'], tenant: tenantA, sub: 'admin@a' });
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC.has(r.path))) {
      const answer = await call(system, route, tenantA, admin);
      const global = GLOBAL_ROUTES[key(route)];
      const allowed = route.path.includes('{tenantId}') || (global === 'any-role' && isRead(route.method));
      const refused = answer.status === 403 && answer.body['code'] === 'AUTH.FORBIDDEN';
      if (allowed === refused || answer.status === 401) wrong.push(`${key(route)} → ${answer.status} (expected ${allowed ? 'allowed' : '403'})`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers tenant A's token on tenant B the same 403 whether B exists or not", async () => {
    for (const roles of [['tenant-admin'], ['tenant-reader']] as const) {
      const headers = await asRole({ roles: [...roles], tenant: tenantA });
      const wrong: string[] = [];
      for (const route of routes.filter((r) => r.path.includes('{tenantId}'))) {
        const existing = refusal(await call(system, route, tenantB, headers));
        const missing = refusal(await call(system, route, tenantC, headers));
        if (existing['status'] !== 403 || existing['code'] !== 'AUTH.FORBIDDEN') wrong.push(`${key(route)} on B → ${JSON.stringify(existing)}`);
        if (JSON.stringify(existing) !== JSON.stringify(missing)) wrong.push(`${key(route)}: B ${JSON.stringify(existing)} ≠ C ${JSON.stringify(missing)}`);
      }
      expect(wrong).toEqual([]);
    }
  });

  it('refuses a token without any known role, and a tenant token without tid', async () => {
    const wallet = `${system.url('credit-wallet')}/tenants/${tenantA}/wallet`;
    expect((await http('GET', wallet, undefined, await asRole({ roles: [], tenant: tenantA }))).status).toBe(403);
    expect((await http('GET', wallet, undefined, await asRole({ roles: ['tenant-admin'] }))).status).toBe(403);
  });

  it('refuses the reported exploit: a million dollars of credit without credentials', async () => {
    const wallet = `${system.url('credit-wallet')}/tenants/${tenantA}/wallet`;
    const before = await http<{ balance: unknown }>('GET', wallet);
    const answer = await http('POST', `${wallet}/funds`, { amount: '1000000.00' }, ANONYMOUS);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED', status: 401 });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    const readerTry = await http(
      'POST',
      `${wallet}/funds`,
      { amount: '1000000.00', currency: 'USD' },
      await asRole({ roles: ['tenant-reader'], tenant: tenantA }),
    );
    expect(readerTry.status).toBe(403);
    const after = await http<{ balance: unknown }>('GET', wallet);
    expect(after.body.balance).toEqual(before.body.balance);
  });

  it('records the actor of every change in the events and serves it at GET /tenants/{t}/audit', async () => {
    const tenant = uniqueTenant('audited');
    const admin = await asRole({ roles: ['tenant-admin'], tenant, sub: 'alice@audited' });
    const licensing = system.url('licensing');
    expect((await http('PUT', `${licensing}/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 5 }, admin)).status).toBeLessThan(300);
    expect((await http('PUT', `${licensing}/tenants/${tenant}/users/carol`, { usageLocation: 'US', displayName: 'carol' }, admin)).status).toBeLessThan(300);
    const op = await asRole({ roles: ['operator'], sub: 'ops-1' });
    expect((await http('PUT', `${licensing}/tenants/${tenant}/users/carol/licenses/OFFICE_365_E5`, undefined, op)).status).toBeLessThan(300);

    const rows = await system.services['licensing']!.app.get(Transactions).query<{ event_type: string; metadata: { actor?: unknown } }>(
      `SELECT event_type, metadata FROM es_events WHERE tenant_id = $1 ORDER BY global_position`,
      [tenant],
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const actors = rows.map((r) => [r.event_type, r.metadata.actor]);
    expect(actors).toContainEqual(['SubscriptionSeatsChanged', { sub: 'alice@audited', roles: ['tenant-admin'] }]);
    expect(actors).toContainEqual(['UserUpserted', { sub: 'alice@audited', roles: ['tenant-admin'] }]);
    expect(actors).toContainEqual(['LicenseAssigned', { sub: 'ops-1', roles: ['operator'] }]);

    const reader = await asRole({ roles: ['tenant-reader'], tenant });
    type Page = { items: Array<{ at: string; actor: { sub: string; roles: string[] }; eventType: string; streamId: string }>; nextCursor: string | null };
    const first = await http<Page>('GET', `${licensing}/tenants/${tenant}/audit?limit=2`, undefined, reader);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({ eventType: 'LicenseAssigned', actor: { sub: 'ops-1', roles: ['operator'] } });
    expect(Date.parse(first.body.items[0]!.at)).toBeGreaterThanOrEqual(Date.parse(first.body.items[1]!.at));
    expect(first.body.nextCursor).not.toBeNull();
    const rest = await http<Page>('GET', `${licensing}/tenants/${tenant}/audit?cursor=${first.body.nextCursor}`, undefined, reader);
    expect(rest.body.items.map((i) => i.actor.sub)).toContain('alice@audited');
    expect(rest.body.items.at(-1)).toMatchObject({ eventType: 'SubscriptionSeatsChanged' });
    // What consumers appended from Kafka (no person behind it) is not in the audit.
    const all = [...first.body.items, ...rest.body.items];
    expect(all.every((i) => i.actor.sub.length > 0)).toBe(true);

    // Another tenant's token learns nothing.
    const other = await asRole({ roles: ['tenant-admin'], tenant: tenantA });
    expect((await http('GET', `${licensing}/tenants/${tenant}/audit`, undefined, other)).status).toBe(403);

    // The other services audit their own changes the same way.
    const wallet = system.url('credit-wallet');
    await http('POST', `${wallet}/tenants/${tenant}/wallet/funds`, { amount: '10.00', currency: 'USD' }, { ...admin, 'Idempotency-Key': 'audit-1' });
    const walletAudit = await eventually(async () => {
      const page = await http<Page>('GET', `${wallet}/tenants/${tenant}/audit`, undefined, reader);
      if (page.body.items.length === 0) throw new Error('no audit yet');
      return page.body;
    });
    expect(walletAudit.items[0]!.actor).toEqual({ sub: 'alice@audited', roles: ['tenant-admin'] });
  });
});
