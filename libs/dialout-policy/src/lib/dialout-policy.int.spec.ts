import { randomUUID } from 'node:crypto';
import { CallStarted, Topics, UserUpsertedV1, decisionSchemas, dialoutPolicySchemas } from '@comms-credits/contracts';
import { EventStore, SqlClient, Transactions, decideAndAppend, retryOnVersionConflict } from '@comms-credits/event-store';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import {
  Collector,
  ReceivedMessage,
  TestKafka,
  callEnded,
  callReferred,
  callStarted,
  eventually,
  outboundCallFacts,
  serviceEvent,
  uniqueTenant,
} from '@comms-credits/testing';
import { Client } from 'pg';
import { CallScreening } from './application/call-screening.service';
import { dialoutUserStream, lockTenantPolicies } from './application/dialout-policy.streams';
import { dialoutUserDecider } from './domain/dialout-user.decider';
import { UsageLocations } from './application/usage-locations.service';
import { dialoutPolicyService } from './dialout-policy.service';

interface UserPolicy {
  policyName: string;
  source: 'user' | 'global';
  cpc: string;
  pstn: string;
  usageLocation: string | null;
}

/** Has its own policy that clears a domestic US dial-out, whatever the tenant's Global policy. */
const MARKER_USER = 'marker';
/** How long a call waits for its user's usage location in these tests. */
const WAIT_MS = 3_000;

describe('dialout-policy service (admission stage 1) on the real broker', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let cleared: Collector;

  beforeAll(async () => {
    // A short wait for usage locations, so the deadline is seen within a test.
    // Referred calls come through the gathering group: a short gather keeps the tests quick.
    system = await startTestSystem([dialoutPolicyService], { DIALOUT_USER_WAIT_MS: WAIT_MS, DIALOUT_SWEEP_POLL_MS: 100, KAFKA_BOOKKEEPING_GATHER_MS: 100 });
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    cleared = await kafka.collect(Topics.DialoutPolicyEvents);
  });

  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const put = (path: string, body: unknown) => http('PUT', system.url('dialout-policy') + path, body);

  async function grant(path: string, policyName: string | null): Promise<Record<string, unknown>> {
    const answer = await put(path, { policyName });
    if (answer.status !== 200) throw new Error(`PUT ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const userPolicy = (tenant: string, userId: string) => system.get<UserPolicy>('dialout-policy', `/tenants/${tenant}/users/${userId}/dialout-policy`);

  /** Licensing's `UserUpserted` v1, as the licensing service publishes it on `licensing.events`. */
  const userUpserted = (tenantId: string, userId: string, usageLocation: string | null) => ({
    eventId: randomUUID(),
    type: 'UserUpserted',
    version: 1,
    occurredAt: new Date().toISOString(),
    tenantId,
    userId,
    usageLocation,
    displayName: `User ${userId}`,
  });

  /** A fresh tenant whose users' usage locations the service has learned (and a marker user). */
  async function tenantWith(users: Record<string, string>): Promise<string> {
    const tenant = uniqueTenant('dialout');
    const all = { ...users, [MARKER_USER]: 'US' };
    await kafka.publish(
      Topics.LicensingEvents,
      Object.entries(all).map(([userId, country]) => userUpserted(tenant, userId, country)),
    );
    await grant(`/tenants/${tenant}/users/${MARKER_USER}/dialout-policy`, 'DialoutCPCandPSTNInternational');
    for (const [userId, country] of Object.entries(all)) {
      await eventually(async () => expect((await userPolicy(tenant, userId)).usageLocation).toBe(country));
    }
    return tenant;
  }

  const ofCall = (tenant: string, callId: string) => (m: ReceivedMessage) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId;

  /** Licensing's `CallReferred`: a call it did not screen itself, as it refers it here. */
  const referralOf = (call: CallStarted) => callReferred(call, 'POLICIES_NOT_KNOWN');

  /**
   * The calls start, and licensing refers the outbound ones here, as it does while it has not
   * learned the tenant's policies: this service screens only referred calls.
   */
  async function start(tenant: string, calls: Array<Partial<CallStarted> & { callId: string }>): Promise<CallStarted[]> {
    const events = calls.map((call) => callStarted({ tenantId: tenant, ...call }));
    await kafka.publish(Topics.CallStarted, events);
    const outbound = events.filter((e) => (e.callType === 'conf_out' || e.callType === 'user_out') && e.userId !== undefined);
    if (outbound.length > 0) await kafka.publish(Topics.LicensingEvents, outbound.map(referralOf));
    return events;
  }

  /**
   * Waits until everything published for the tenant so far has been decided and relayed: two
   * later calls (one rejected, one cleared) are seen on both topics. A tenant's messages share
   * one partition of each topic, so nothing of it can still arrive before them.
   */
  async function settle(tenant: string): Promise<void> {
    const [rejectedMarker, clearedMarker] = await start(tenant, [
      { callId: `marker-${randomUUID()}`, userId: MARKER_USER, to: '+80012345678' }, // non-geographic: INVALID_NUMBER
      { callId: `marker-${randomUUID()}`, userId: MARKER_USER, to: '+14255550123' },
    ]);
    await decisions.waitFor(ofCall(tenant, rejectedMarker!.callId));
    await cleared.waitFor(ofCall(tenant, clearedMarker!.callId));
  }

  const onDecisions = (tenant: string, callId: string) => decisions.messages.filter(ofCall(tenant, callId));
  const onCleared = (tenant: string, callId: string) => cleared.messages.filter(ofCall(tenant, callId));

  it('lists the 12 policies with their controls and descriptions', async () => {
    const policies = await system.get<Array<{ name: string; cpc: string; pstn: string; description: string }>>('dialout-policy', '/dialout-policies');
    expect(policies).toHaveLength(12);
    expect(policies[0]).toEqual({ name: 'DialoutCPCandPSTNInternational', cpc: 'Any', pstn: 'International', description: expect.any(String) });
    expect(policies).toContainEqual(expect.objectContaining({ name: 'DialoutCPCZoneAPSTNDisabled', cpc: 'ZoneA', pstn: 'Disabled' }));

    const openApi = await system.get<{ paths: Record<string, Record<string, unknown>> }>('dialout-policy', '/docs-json');
    expect(Object.keys(openApi.paths['/tenants/{tenantId}/users/{userId}/dialout-policy']!)).toEqual(['put', 'get']);
    expect(openApi.paths).toHaveProperty(['/tenants/{tenantId}/dialout-policy/calls', 'get']);
  });

  it('refuses an unknown policy name with a 400 problem listing the valid names, and writes nothing', async () => {
    const tenant = uniqueTenant('dialout');
    for (const path of [`/tenants/${tenant}/dialout-policy`, `/tenants/${tenant}/users/alice/dialout-policy`]) {
      const answer = await put(path, { policyName: 'DialoutEverywhere' });
      expect(answer.status).toBe(400);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 400, code: 'DIALOUT_POLICY.UNKNOWN_POLICY', invalidParams: [{ name: 'policyName' }] });
      expect(answer.body['detail']).toEqual(expect.stringContaining('DialoutCPCandPSTNInternational'));
      expect(answer.body['detail']).toEqual(expect.stringContaining('DialoutCPCZoneAPSTNDisabled'));
    }
    expect(await system.get('dialout-policy', `/tenants/${tenant}/dialout-policy`)).toEqual({
      policyName: 'DialoutCPCandPSTNInternational',
      cpc: 'Any',
      pstn: 'International',
    });

    const missing = await put(`/tenants/${tenant}/users/alice/dialout-policy`, {});
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(missing.body['invalidParams']).toEqual([{ name: 'policyName', reason: expect.stringContaining('or null') }]);
    // Only a user's grant may be null: the tenant always has a Global policy.
    const globalNull = await put(`/tenants/${tenant}/dialout-policy`, { policyName: null });
    expect(globalNull).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(globalNull.body['invalidParams']).toEqual([{ name: 'policyName', reason: expect.any(String) }]);
    const badTenant = await put(`/tenants/${encodeURIComponent('no tenant')}/dialout-policy`, { policyName: 'DialoutCPCandPSTNDomestic' });
    expect(badTenant).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', invalidParams: [{ name: 'tenantId' }] } });
  });

  it('rejects a call its policy blocks with exactly one CallRejected, and publishes nothing on dialout-policy.events for it', async () => {
    const tenant = await tenantWith({ alice: 'US' });
    await grant(`/tenants/${tenant}/users/alice/dialout-policy`, 'DialoutCPCDomesticPSTNInternational');

    const [started] = await start(tenant, [{ callId: 'c-blocked', callType: 'conf_out', userId: 'alice', to: '+33142685300' }]);
    const [rejection] = await decisions.waitFor(ofCall(tenant, 'c-blocked'));
    expect(rejection!.key).toBe(tenant);
    expect(rejection!.json).toMatchObject({
      type: 'CallRejected',
      version: 1,
      tenantId: tenant,
      callId: 'c-blocked',
      reason: 'DIALOUT_POLICY_BLOCKED',
      decidedBy: 'dialout-policy',
      details: { control: 'CPC', policyName: 'DialoutCPCDomesticPSTNInternational', detail: expect.stringContaining('FR') },
      correlationId: 'c-blocked',
      causationId: started!.eventId,
    });
    expect(decisionSchemas().validate(rejection!.json)).toMatchObject({ ok: true });

    await settle(tenant);
    expect(onDecisions(tenant, 'c-blocked')).toHaveLength(1);
    expect(onCleared(tenant, 'c-blocked')).toHaveLength(0);
  });

  it('clears an allowed call with one CallCleared carrying the facts the next stage needs, and decides nothing on calls.decisions', async () => {
    const tenant = await tenantWith({ alice: 'US' });
    const [started] = await start(tenant, [{ callId: 'c-cleared', callType: 'conf_out', userId: 'alice', to: '+33142685300' }]);

    const [clearance] = await cleared.waitFor(ofCall(tenant, 'c-cleared'));
    expect(clearance!.json).toEqual({
      eventId: expect.any(String),
      type: 'CallCleared',
      version: 1,
      occurredAt: expect.any(String),
      tenantId: tenant,
      correlationId: 'c-cleared',
      causationId: started!.eventId,
      callId: 'c-cleared',
      callType: 'conf_out',
      userId: 'alice',
      from: started!.from,
      to: '+33142685300',
      destinationCountry: 'FR',
      usageLocation: 'US',
      domestic: false,
      zoneA: true,
      emergency: false,
      startedAt: started!.occurredAt,
      policyName: 'DialoutCPCandPSTNInternational',
      policySource: 'global',
    });
    expect(dialoutPolicySchemas().validate(clearance!.json)).toMatchObject({ ok: true });

    await settle(tenant);
    expect(onCleared(tenant, 'c-cleared')).toHaveLength(1);
    expect(onDecisions(tenant, 'c-cleared')).toHaveLength(0);
  });

  it('restores the Global policy when a user is granted null, and judges the next call by it', async () => {
    const tenant = await tenantWith({ alice: 'US', bob: 'US' });
    await grant(`/tenants/${tenant}/users/alice/dialout-policy`, 'DialoutCPCandPSTNInternational');
    await grant(`/tenants/${tenant}/users/bob/dialout-policy`, 'DialoutCPCZoneAPSTNDomestic');
    expect(await grant(`/tenants/${tenant}/dialout-policy`, 'DialoutCPCDisabledPSTNInternational')).toEqual({
      policyName: 'DialoutCPCDisabledPSTNInternational',
      cpc: 'Disabled',
      pstn: 'International',
    });
    // The Global grant leaves per-user policies alone.
    expect(await userPolicy(tenant, 'bob')).toMatchObject({ policyName: 'DialoutCPCZoneAPSTNDomestic', source: 'user' });
    expect(await userPolicy(tenant, 'alice')).toMatchObject({ policyName: 'DialoutCPCandPSTNInternational', source: 'user', cpc: 'Any' });

    await start(tenant, [{ callId: 'c-own-policy', userId: 'alice', to: '+33142685300' }]);
    expect((await cleared.waitFor(ofCall(tenant, 'c-own-policy')))[0]!.json).toMatchObject({ policySource: 'user' });

    expect(await grant(`/tenants/${tenant}/users/alice/dialout-policy`, null)).toEqual({
      policyName: 'DialoutCPCDisabledPSTNInternational',
      source: 'global',
      cpc: 'Disabled',
      pstn: 'International',
      usageLocation: 'US',
    });
    await start(tenant, [{ callId: 'c-global-policy', userId: 'alice', to: '+33142685300' }]);
    expect((await decisions.waitFor(ofCall(tenant, 'c-global-policy')))[0]!.json).toMatchObject({
      reason: 'DIALOUT_POLICY_BLOCKED',
      details: { control: 'CPC', policyName: 'DialoutCPCDisabledPSTNInternational' },
    });
  });

  it('publishes every policy grant on dialout-policy.events as its contract describes it, and nothing for a grant that changes nothing', async () => {
    const tenant = uniqueTenant('dialout');
    await grant(`/tenants/${tenant}/dialout-policy`, 'DialoutCPCZoneAPSTNDomestic');
    await grant(`/tenants/${tenant}/dialout-policy`, 'DialoutCPCZoneAPSTNDomestic'); // a retried PUT: no event
    await grant(`/tenants/${tenant}/users/carol/dialout-policy`, 'DialoutCPCandPSTNInternational');
    await grant(`/tenants/${tenant}/users/carol/dialout-policy`, null);

    const grants = await cleared.waitFor((m) => m.json?.['tenantId'] === tenant, 3);
    expect(grants.map((m) => m.json)).toEqual([
      expect.objectContaining({ type: 'GlobalPolicyGranted', version: 1, tenantId: tenant, policyName: 'DialoutCPCZoneAPSTNDomestic' }),
      expect.objectContaining({ type: 'UserPolicyGranted', version: 1, tenantId: tenant, userId: 'carol', policyName: 'DialoutCPCandPSTNInternational' }),
      expect.objectContaining({ type: 'UserPolicyGranted', version: 1, tenantId: tenant, userId: 'carol', policyName: null }),
    ]);
    for (const { json } of grants) expect(dialoutPolicySchemas().validate(json)).toMatchObject({ ok: true });
    // Keyed by tenant, like every event of the topic: one partition, in the order granted.
    expect(grants.map((m) => m.key)).toEqual([tenant, tenant, tenant]);
  });

  it("restates a tenant's policies in force with its first call, once, for the one-hop admission's replica", async () => {
    const tenant = await tenantWith({ dave: 'US' });
    await grant(`/tenants/${tenant}/users/dave/dialout-policy`, 'DialoutCPCZoneAPSTNDomestic');
    await start(tenant, [{ callId: 'c-first', userId: 'dave', to: '+14255550123' }]);
    await start(tenant, [{ callId: 'c-second', userId: 'dave', to: '+14255550123' }]);
    await settle(tenant);

    const restated = cleared.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'DialoutPoliciesRestated');
    expect(restated.map((m) => m.json)).toEqual([
      expect.objectContaining({
        version: 1,
        globalPolicy: null,
        userPolicies: [
          { userId: 'dave', policyName: 'DialoutCPCZoneAPSTNDomestic' },
          { userId: MARKER_USER, policyName: 'DialoutCPCandPSTNInternational' },
        ],
        page: 1,
        pages: 1,
      }),
    ]);
    expect(dialoutPolicySchemas().validate(restated[0]!.json)).toMatchObject({ ok: true });
    // Published before the first call's clearance: a reader knows the policies by then.
    const order = cleared.messages
      .filter((m) => m.json?.['tenantId'] === tenant)
      .map((m) => (m.json?.['type'] === 'DialoutPoliciesRestated' ? 'restated' : m.json?.['callId']));
    expect(order.indexOf('restated')).toBeLessThan(order.indexOf('c-first'));
  });

  it('gives a user it has never seen the Global policy', async () => {
    expect(await userPolicy(uniqueTenant('dialout'), 'nobody')).toEqual({
      policyName: 'DialoutCPCandPSTNInternational',
      source: 'global',
      cpc: 'Any',
      pstn: 'International',
      usageLocation: null,
    });
  });

  it('decides a call once, whether its referral is delivered twice or repeated with a new event id', async () => {
    const tenant = await tenantWith({ alice: 'US' });
    const started = callStarted({ tenantId: tenant, callId: 'c-repeated', userId: 'alice', to: '+33142685300' });
    const referral = referralOf(started);
    await kafka.publish(Topics.LicensingEvents, [referral, referral]);
    await kafka.publish(Topics.LicensingEvents, [{ ...referral, eventId: randomUUID() }]);

    await settle(tenant);
    const clearances = onCleared(tenant, 'c-repeated');
    expect(clearances).toHaveLength(1);
    expect(clearances[0]!.json).toMatchObject({ causationId: started.eventId });
    expect(onDecisions(tenant, 'c-repeated')).toHaveLength(0);
  });

  it('still records the calls it sees in its call log, start and end', async () => {
    const tenant = uniqueTenant('dialout');
    await start(tenant, [{ callId: 'c-logged', callType: 'user_in', userId: 'alice', to: '+14255550100', from: '+33142685300' }]);
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'c-logged', durationSeconds: 42 })]);
    const entry = await eventually(async () => {
      const logged = await system.get<{ durationSeconds: number | null }>('dialout-policy', `/tenants/${tenant}/calls/c-logged`);
      expect(logged.durationSeconds).toBe(42);
      return logged;
    });
    expect(entry).toMatchObject({ callId: 'c-logged', callType: 'user_in', to: '+14255550100' });
  });

  it('reads the telephony topics, which it only logs, in its bookkeeping consumer group; its main group never fetches them', async () => {
    const tenant = uniqueTenant('dialout');
    const ended = Array.from({ length: 5 }, (_, i) => callEnded({ tenantId: tenant, callId: `c-gathered-${i}`, durationSeconds: 60 + i }));
    for (const event of ended) await kafka.publish(Topics.CallEnded, [event]);
    await eventually(async () => {
      const logged = await system.get<{ durationSeconds: number | null }>('dialout-policy', `/tenants/${tenant}/calls/c-gathered-4`);
      expect(logged.durationSeconds).toBe(64);
    });
    const main = `${system.prefix}dialout-policy`;
    await kafka.waitUntilCaughtUp(`${main}.bookkeeping`, Topics.CallEnded);
    expect(await kafka.hasCommitted(main, Topics.CallEnded)).toBe(false);
    expect(await kafka.hasCommitted(main, Topics.CallStarted)).toBe(false);
  });

  it("pays nothing for licensing's other events: a CallEntitled is skipped unvalidated, with no transaction or inbox row", async () => {
    const tenant = uniqueTenant('dialout');
    const entitled = serviceEvent('CallEntitled', tenant, {
      ...outboundCallFacts('c-entitled'),
      poolEligible: true,
      creditsLicensed: false,
      capability: 'MCOMEETADD',
    });
    const learned = userUpserted(tenant, 'alice', 'US');
    // One key, so one partition: the CallEntitled is consumed before the UserUpserted.
    await kafka.publish(Topics.LicensingEvents, [entitled, learned]);
    await eventually(async () => expect((await userPolicy(tenant, 'alice')).usageLocation).toBe('US'));

    const settings = system.services['dialout-policy']!.config as unknown as Record<string, unknown>;
    const db = new Client({ connectionString: String(settings['DATABASE_URL']) });
    await db.connect();
    try {
      const { rows } = await db.query<{ event_id: string }>(`SELECT event_id FROM inbox WHERE event_id = ANY($1)`, [[entitled['eventId'], learned.eventId]]);
      expect(rows.map((r) => r.event_id)).toEqual([learned.eventId]);
    } finally {
      await db.end();
    }
  });

  it('lets a US user under DialoutCPCZoneAPSTNDisabled call 911, and blocks their call to France', async () => {
    const tenant = await tenantWith({ carol: 'US' });
    await grant(`/tenants/${tenant}/users/carol/dialout-policy`, 'DialoutCPCZoneAPSTNDisabled');
    await start(tenant, [
      { callId: 'c-911', callType: 'user_out', userId: 'carol', to: '911' },
      { callId: 'c-paris', callType: 'user_out', userId: 'carol', to: '+33142685300' },
    ]);

    expect((await cleared.waitFor(ofCall(tenant, 'c-911')))[0]!.json).toMatchObject({
      callType: 'user_out',
      to: '911',
      destinationCountry: 'US',
      domestic: true,
      emergency: true,
      policyName: 'DialoutCPCZoneAPSTNDisabled',
      policySource: 'user',
    });
    expect((await decisions.waitFor(ofCall(tenant, 'c-paris')))[0]!.json).toMatchObject({
      reason: 'DIALOUT_POLICY_BLOCKED',
      details: { control: 'PSTN', policyName: 'DialoutCPCZoneAPSTNDisabled' },
    });
  });

  it('counts cleared and refused calls per policy and control, and rebuilds the counts from the events', async () => {
    const tenant = await tenantWith({ dave: 'US' });
    await grant(`/tenants/${tenant}/users/dave/dialout-policy`, 'DialoutCPCandPSTNDomestic');
    await grant(`/tenants/${tenant}/users/frank/dialout-policy`, 'DialoutCPCandPSTNDomestic');
    await start(tenant, [
      { callId: 'k-1', callType: 'conf_out', userId: 'dave', to: '+14255550199' }, // cleared, CPC
      { callId: 'k-2', callType: 'conf_out', userId: 'dave', to: '+33142685300' }, // blocked, CPC
      { callId: 'k-3', callType: 'user_out', userId: 'dave', to: '+442079460000' }, // blocked, PSTN
      { callId: 'k-4', callType: 'user_out', userId: 'dave', to: '911' }, // cleared, PSTN
      { callId: 'k-5', callType: 'conf_out', userId: 'dave', to: '+80012345678' }, // INVALID_NUMBER, CPC
      { callId: 'k-6', callType: 'conf_out', userId: 'erin', to: '+14255550199' }, // unknown user, cleared under the Global policy
      { callId: 'k-7', callType: 'conf_in', userId: 'dave', to: '+14255550100' }, // not judged here
      { callId: 'k-8', callType: 'user_out', userId: 'frank', to: '+14255550199' }, // waits for frank's usage location: UNKNOWN_USER
    ]);
    const counts = (cpc: number[], pstn: number[]) => [
      { control: 'CPC', cleared: cpc[0], blocked: cpc[1], invalidNumber: cpc[2], unknownUser: cpc[3] },
      { control: 'PSTN', cleared: pstn[0], blocked: pstn[1], invalidNumber: pstn[2], unknownUser: pstn[3] },
    ];
    const expected = [
      ...counts([1, 1, 1, 0], [1, 1, 0, 1]).map((row) => ({ policyName: 'DialoutCPCandPSTNDomestic', ...row })),
      { policyName: 'DialoutCPCandPSTNInternational', control: 'CPC', cleared: 1, blocked: 0, invalidNumber: 0, unknownUser: 0 },
    ];
    const path = `/tenants/${tenant}/dialout-policy/calls`;
    const live = await eventually(async () => {
      const rows = await system.get<unknown[]>('dialout-policy', path);
      expect(rows).toEqual(expected);
      return rows;
    });

    const settings = system.services['dialout-policy']!.config as unknown as Record<string, unknown>;
    const db = new Client({ connectionString: String(settings['DATABASE_URL']) });
    await db.connect();
    await db.query(`UPDATE rm_dialout_policy_calls SET cleared = 99 WHERE tenant_id = $1`, [tenant]);
    await db.query(`DELETE FROM rm_dialout_user WHERE tenant_id = $1`, [tenant]);
    await db.query(
      `INSERT INTO rm_dialout_awaiting_calls VALUES ($1, 'ghost', 'frank', 'user_out', '+1', 'PSTN', 'DialoutCPCandPSTNDomestic', now(), now() + interval '1 day')`,
      [tenant],
    );
    await db.end();
    expect(await system.get('dialout-policy', path)).not.toEqual(live);

    await rebuildServiceProjections(dialoutPolicyService, settings);
    expect(await system.get('dialout-policy', path)).toEqual(live);
    expect(await userPolicy(tenant, 'dave')).toMatchObject({ policyName: 'DialoutCPCandPSTNDomestic', source: 'user', usageLocation: 'US' });
    expect(await awaitingCalls(tenant)).toEqual([]);
  });

  it('counts the calls licensing screened in its own hop with its own, once per call', async () => {
    const tenant = await tenantWith({ gus: 'US' });
    const screened = (callId: string, fields: Record<string, unknown>) =>
      serviceEvent('CallScreened', tenant, {
        callId,
        callType: 'conf_out',
        userId: 'gus',
        policyName: 'DialoutCPCZoneAPSTNDomestic',
        policySource: 'user',
        control: 'CPC',
        outcome: 'cleared',
        destinationCountry: 'FR',
        domestic: false,
        ...fields,
      });
    const first = screened('s-1', {});
    await kafka.publish(Topics.LicensingEvents, [
      first,
      { ...first, eventId: randomUUID() }, // the same verdict again, under a new event id: counted once
      screened('s-2', { outcome: 'blocked', destinationCountry: null, domestic: null }),
      screened('s-3', { callType: 'user_out', control: 'PSTN', outcome: 'invalid_number', destinationCountry: null, domestic: null }),
    ]);
    await start(tenant, [{ callId: 's-4', callType: 'conf_out', userId: 'gus', to: '+33142685300' }]); // referred, screened here
    await eventually(async () =>
      expect(await system.get('dialout-policy', `/tenants/${tenant}/dialout-policy/calls`)).toEqual([
        { policyName: 'DialoutCPCZoneAPSTNDomestic', control: 'CPC', cleared: 1, blocked: 1, invalidNumber: 0, unknownUser: 0 },
        { policyName: 'DialoutCPCZoneAPSTNDomestic', control: 'PSTN', cleared: 0, blocked: 0, invalidNumber: 1, unknownUser: 0 },
        { policyName: 'DialoutCPCandPSTNInternational', control: 'CPC', cleared: 1, blocked: 0, invalidNumber: 0, unknownUser: 0 },
      ]),
    );
    // Nothing is published for them: their decisions were licensing's to publish.
    await settle(tenant);
    expect([...onDecisions(tenant, 's-2'), ...onCleared(tenant, 's-1')]).toEqual([]);
  });

  const awaitingCalls = (tenant: string) => system.get<Array<Record<string, unknown>>>('dialout-policy', `/tenants/${tenant}/dialout-policy/awaiting-calls`);

  /** Sessions of the service's database waiting for a lock another holds. */
  async function blockedSessions(): Promise<number> {
    const settings = system.services['dialout-policy']!.config as unknown as Record<string, unknown>;
    const db = new Client({ connectionString: String(settings['DATABASE_URL']) });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0]!.n;
    } finally {
      await db.end();
    }
  }

  describe("a user grant racing the tenant's restatement (another transaction)", () => {
    /** What the topic says of the tenant's policies, in order: restatements (with their users) and user grants. */
    const policyFacts = (tenant: string) =>
      cleared.messages
        .filter((m) => m.json?.['tenantId'] === tenant && ['DialoutPoliciesRestated', 'UserPolicyGranted'].includes(String(m.json?.['type'])))
        .map((m) =>
          m.json?.['type'] === 'UserPolicyGranted'
            ? `granted ${String(m.json['userId'])}`
            : `restated ${(m.json?.['userPolicies'] as { userId: string }[]).map((u) => u.userId).join(',')}`,
        );

    /** Holds a restatement (screening a referred call) open until released. */
    function holdRestatement(tenant: string) {
      const app = system.services['dialout-policy']!.app;
      const transactions = app.get(Transactions, { strict: false });
      const screening = app.get(CallScreening, { strict: false });
      let held!: () => void;
      let release!: () => void;
      const isHeld = new Promise<void>((resolve) => (held = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const done = transactions.run(async (sql) => {
        await screening.screen(sql, [callStarted({ tenantId: tenant, callId: `first-${randomUUID()}`, userId: MARKER_USER, to: '+14255550123' })]);
        held();
        await released;
      });
      return { isHeld, release, done };
    }

    it('waits for a restatement in progress and is published after it, so a reader ends with the grant', async () => {
      const tenant = await tenantWith({ zed: 'US' });
      const restatement = holdRestatement(tenant);
      await restatement.isHeld;
      // The grant takes the tenant's policy lock first: it waits for the restatement to commit.
      const granting = put(`/tenants/${tenant}/users/zed/dialout-policy`, { policyName: 'DialoutCPCandPSTNDisabled' });
      await eventually(async () => expect(await blockedSessions()).toBeGreaterThan(0));
      restatement.release();
      await restatement.done;
      expect((await granting).status).toBe(200);
      await eventually(() => expect(policyFacts(tenant)).toEqual([`granted ${MARKER_USER}`, `restated ${MARKER_USER}`, 'granted zed']));
    });

    it('makes a restatement wait for a grant in progress, and carries it', async () => {
      const tenant = await tenantWith({ yan: 'US' });
      const app = system.services['dialout-policy']!.app;
      const transactions = app.get(Transactions, { strict: false });
      const store = app.get(EventStore, { strict: false });
      // A grant in progress, as DialoutPolicyCommands.grantUser makes it: the tenant's lock, then the user's stream.
      let appended!: () => void;
      let release!: () => void;
      const hasAppended = new Promise<void>((resolve) => (appended = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const granting = transactions.run(async (sql) => {
        await lockTenantPolicies(sql, [tenant]);
        await decideAndAppend(sql, store, dialoutUserStream(tenant, 'yan'), dialoutUserDecider, {
          type: 'GrantUserPolicy',
          userId: 'yan',
          policyName: 'DialoutCPCandPSTNDisabled',
        });
        appended();
        await released;
      });
      await hasAppended;
      const restatement = holdRestatement(tenant);
      await eventually(async () => expect(await blockedSessions()).toBeGreaterThan(0));
      release();
      await granting;
      await restatement.isHeld;
      restatement.release();
      await restatement.done;
      await eventually(() => expect(policyFacts(tenant)).toEqual([`granted ${MARKER_USER}`, 'granted yan', `restated ${MARKER_USER},yan`]));
    });
  });

  describe('a user whose usage location licensing has not named yet (issue 11)', () => {
    it('clears at once, never UNKNOWN_USER, a call the Global policy allows everywhere, and leaves the usage location to licensing (CallCleared v2)', async () => {
      const tenant = await tenantWith({});
      // The licence was just assigned: the call starts before licensing's UserUpserted is consumed here.
      const [started] = await start(tenant, [{ callId: 'c-fresh', callType: 'conf_out', userId: 'newcomer', to: '+33142685300' }]);
      const [clearance] = await cleared.waitFor(ofCall(tenant, 'c-fresh'));
      expect(clearance!.json).toMatchObject({
        type: 'CallCleared',
        version: 2,
        causationId: started!.eventId,
        userId: 'newcomer',
        destinationCountry: 'FR',
        zoneA: true,
        usageLocation: null,
        domestic: null,
        policyName: 'DialoutCPCandPSTNInternational',
        policySource: 'global',
      });
      expect(dialoutPolicySchemas().validate(clearance!.json)).toMatchObject({ ok: true });
      await kafka.publish(Topics.LicensingEvents, [userUpserted(tenant, 'newcomer', 'US')]);
      await settle(tenant);
      expect(onDecisions(tenant, 'c-fresh')).toHaveLength(0);
      expect(onCleared(tenant, 'c-fresh')).toHaveLength(1);
    });

    it('makes a call that a Domestic policy judges wait for the usage location, then judges it by it', async () => {
      const tenant = await tenantWith({});
      await grant(`/tenants/${tenant}/users/gina/dialout-policy`, 'DialoutCPCandPSTNDomestic');
      const [toParis, toSeattle] = await start(tenant, [
        { callId: 'c-paris', callType: 'conf_out', userId: 'gina', to: '+33142685300' },
        { callId: 'c-seattle', callType: 'user_out', userId: 'gina', to: '+14255550123' },
      ]);
      const waiting = await eventually(async () => {
        const calls = await awaitingCalls(tenant);
        expect(calls.map((call) => call['callId'])).toEqual(['c-paris', 'c-seattle']);
        return calls;
      });
      expect(waiting[0]).toEqual({
        callId: 'c-paris',
        userId: 'gina',
        callType: 'conf_out',
        to: '+33142685300',
        control: 'CPC',
        policyName: 'DialoutCPCandPSTNDomestic',
        since: expect.any(String),
        deadline: expect.any(String),
      });
      expect(Date.parse(String(waiting[0]!['deadline'])) - Date.parse(String(waiting[0]!['since']))).toBe(WAIT_MS);

      await kafka.publish(Topics.LicensingEvents, [userUpserted(tenant, 'gina', 'US')]);
      expect((await decisions.waitFor(ofCall(tenant, 'c-paris')))[0]!.json).toMatchObject({
        reason: 'DIALOUT_POLICY_BLOCKED',
        causationId: toParis!.eventId,
        details: { control: 'CPC', policyName: 'DialoutCPCandPSTNDomestic', detail: expect.stringContaining('within US') },
      });
      expect((await cleared.waitFor(ofCall(tenant, 'c-seattle')))[0]!.json).toMatchObject({
        version: 1,
        causationId: toSeattle!.eventId,
        usageLocation: 'US',
        domestic: true,
        destinationCountry: 'US',
      });
      expect(await awaitingCalls(tenant)).toEqual([]);
      await settle(tenant);
      expect(onDecisions(tenant, 'c-paris')).toHaveLength(1);
      expect(onCleared(tenant, 'c-seattle')).toHaveLength(1);
    });

    it('rejects as UNKNOWN_USER a call whose user is never learned, once its deadline has passed', async () => {
      const tenant = await tenantWith({});
      await grant(`/tenants/${tenant}/users/hank/dialout-policy`, 'DialoutCPCDomesticPSTNDisabled');
      const [started] = await start(tenant, [{ callId: 'c-ghost', callType: 'conf_out', userId: 'hank', to: '+14255550123' }]);
      await eventually(async () => expect(await awaitingCalls(tenant)).toHaveLength(1));

      const [rejection] = await decisions.waitFor(ofCall(tenant, 'c-ghost'));
      expect(rejection!.json).toMatchObject({
        type: 'CallRejected',
        reason: 'UNKNOWN_USER',
        decidedBy: 'dialout-policy',
        causationId: started!.eventId,
        details: {
          control: 'CPC',
          policyName: 'DialoutCPCDomesticPSTNDisabled',
          detail: expect.stringContaining('never named a usage location for user hank'),
        },
      });
      expect(decisionSchemas().validate(rejection!.json)).toMatchObject({ ok: true });
      expect(await awaitingCalls(tenant)).toEqual([]);

      // Learned too late: the call stays decided.
      await kafka.publish(Topics.LicensingEvents, [userUpserted(tenant, 'hank', 'US')]);
      await eventually(async () => expect((await userPolicy(tenant, 'hank')).usageLocation).toBe('US'));
      await settle(tenant);
      expect(onDecisions(tenant, 'c-ghost')).toHaveLength(1);
      expect(onCleared(tenant, 'c-ghost')).toHaveLength(0);
    });

    it("lets an emergency short code from an unknown caller through at once, to the tenant's country where it is one", async () => {
      const tenant = await tenantWith({ alice: 'GB', bob: 'GB' });
      await grant(`/tenants/${tenant}/dialout-policy`, 'DialoutCPCandPSTNDisabled');
      await start(tenant, [{ callId: 'c-999', callType: 'user_out', userId: 'stranger', from: '+442079460000', to: '999' }]);
      expect((await cleared.waitFor(ofCall(tenant, 'c-999')))[0]!.json).toMatchObject({
        version: 2,
        to: '999',
        destinationCountry: 'GB',
        emergency: true,
        usageLocation: null,
        domestic: null,
        policyName: 'DialoutCPCandPSTNDisabled',
      });
    });

    describe('a usage location learned while a call of the same user is being judged (another transaction)', () => {
      it.each(['the call waits first', 'the usage location comes first'])(
        'never leaves the call waiting for a fact that has come: %s, the other conflicts and is retried',
        async (order) => {
          const tenant = await tenantWith({});
          await grant(`/tenants/${tenant}/dialout-policy`, 'DialoutCPCandPSTNDomestic');
          const app = system.services['dialout-policy']!.app;
          const transactions = app.get(Transactions, { strict: false });
          const screening = app.get(CallScreening, { strict: false });
          const learning = app.get(UsageLocations, { strict: false });
          const call = callStarted({ tenantId: tenant, callId: 'c-race', callType: 'user_out', userId: 'ivan', to: '+14255550123' });
          const learned = userUpserted(tenant, 'ivan', 'US') as unknown as UserUpsertedV1;
          const screen = (sql: SqlClient) => screening.screen(sql, [call]);
          const learn = (sql: SqlClient) => learning.learn(sql, [learned]);
          const [first, second] = order === 'the call waits first' ? [screen, learn] : [learn, screen];

          // The first transaction appends and holds; the second appends to the same user stream
          // and must wait for it, then find the stream moved (a version conflict) and be retried.
          let appended!: () => void;
          let release!: () => void;
          const hasAppended = new Promise<void>((resolve) => (appended = resolve));
          const released = new Promise<void>((resolve) => (release = resolve));
          const holding = transactions.run(async (sql) => {
            await first(sql);
            appended();
            await released;
          });
          await hasAppended;
          let attempts = 0;
          const waiting = retryOnVersionConflict(() => {
            attempts++;
            return transactions.run(second);
          });
          await eventually(async () => expect(await blockedSessions()).toBeGreaterThan(0));
          release();
          await Promise.all([holding, waiting]);
          expect(attempts).toBe(2);

          expect((await cleared.waitFor(ofCall(tenant, 'c-race')))[0]!.json).toMatchObject({ usageLocation: 'US', domestic: true, causationId: call.eventId });
          expect(await awaitingCalls(tenant)).toEqual([]);
        },
      );
    });
  });
});
