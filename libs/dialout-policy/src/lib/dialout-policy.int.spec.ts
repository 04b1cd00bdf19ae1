import { randomUUID } from 'node:crypto';
import { CallStarted, Topics, decisionSchemas, dialoutPolicySchemas } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, ReceivedMessage, TestKafka, callEnded, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { Client } from 'pg';
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

describe('dialout-policy service (admission stage 1) on the real broker', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let cleared: Collector;

  beforeAll(async () => {
    system = await startTestSystem([dialoutPolicyService]);
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

  async function start(tenant: string, calls: Array<Partial<CallStarted> & { callId: string }>): Promise<CallStarted[]> {
    const events = calls.map((call) => callStarted({ tenantId: tenant, ...call }));
    await kafka.publish(Topics.CallStarted, events);
    return events;
  }

  /**
   * Waits until everything published for the tenant so far has been decided and relayed: two
   * later calls (one rejected, one cleared) are seen on both topics. A tenant's messages share
   * one partition of each topic, so nothing of it can still arrive before them.
   */
  async function settle(tenant: string): Promise<void> {
    const [rejectedMarker, clearedMarker] = await start(tenant, [
      { callId: `marker-${randomUUID()}`, userId: 'never-upserted' },
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

  it('gives a user it has never seen the Global policy', async () => {
    expect(await userPolicy(uniqueTenant('dialout'), 'nobody')).toEqual({
      policyName: 'DialoutCPCandPSTNInternational',
      source: 'global',
      cpc: 'Any',
      pstn: 'International',
      usageLocation: null,
    });
  });

  it('decides a call once, whether its CallStarted is delivered twice or repeated with a new event id', async () => {
    const tenant = await tenantWith({ alice: 'US' });
    const started = callStarted({ tenantId: tenant, callId: 'c-repeated', userId: 'alice', to: '+33142685300' });
    await kafka.publish(Topics.CallStarted, [started, started]);
    await kafka.publish(Topics.CallStarted, [{ ...started, eventId: randomUUID() }]);

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
    await start(tenant, [
      { callId: 'k-1', callType: 'conf_out', userId: 'dave', to: '+14255550199' }, // cleared, CPC
      { callId: 'k-2', callType: 'conf_out', userId: 'dave', to: '+33142685300' }, // blocked, CPC
      { callId: 'k-3', callType: 'user_out', userId: 'dave', to: '+442079460000' }, // blocked, PSTN
      { callId: 'k-4', callType: 'user_out', userId: 'dave', to: '911' }, // cleared, PSTN
      { callId: 'k-5', callType: 'conf_out', userId: 'dave', to: '+80012345678' }, // INVALID_NUMBER, CPC
      { callId: 'k-6', callType: 'conf_out', userId: 'erin', to: '+14255550199' }, // UNKNOWN_USER under the Global policy
      { callId: 'k-7', callType: 'conf_in', userId: 'dave', to: '+14255550100' }, // not judged here
    ]);
    const counts = (cpc: number[], pstn: number[]) => [
      { control: 'CPC', cleared: cpc[0], blocked: cpc[1], invalidNumber: cpc[2], unknownUser: cpc[3] },
      { control: 'PSTN', cleared: pstn[0], blocked: pstn[1], invalidNumber: pstn[2], unknownUser: pstn[3] },
    ];
    const expected = [
      ...counts([1, 1, 1, 0], [1, 1, 0, 0]).map((row) => ({ policyName: 'DialoutCPCandPSTNDomestic', ...row })),
      { policyName: 'DialoutCPCandPSTNInternational', control: 'CPC', cleared: 0, blocked: 0, invalidNumber: 0, unknownUser: 1 },
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
    await db.end();
    expect(await system.get('dialout-policy', path)).not.toEqual(live);

    await rebuildServiceProjections(dialoutPolicyService, settings);
    expect(await system.get('dialout-policy', path)).toEqual(live);
    expect(await userPolicy(tenant, 'dave')).toMatchObject({ policyName: 'DialoutCPCandPSTNDomestic', source: 'user', usageLocation: 'US' });
  });
});
