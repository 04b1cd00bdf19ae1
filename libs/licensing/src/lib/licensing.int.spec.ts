import { randomUUID } from 'node:crypto';
import { CallStarted, Topics, licensingSchemas } from '@comms-credits/contracts';
import { EventStore, Transactions, decideAndAppend } from '@comms-credits/event-store';
import { Client } from 'pg';
import { TestSystem, grantLearnedByLicensing, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callReferred, callStarted, eventually, outboundCallFacts, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { CallAdmission } from './application/call-admission';
import { lockTenantUsers, userStream } from './application/licensing.streams';
import { userDecider } from './domain/user.decider';
import { licensingService } from './licensing.service';

describe('licensing service', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let licensingEvents: Collector;
  let url: string;

  beforeAll(async () => {
    system = await startTestSystem([licensingService]);
    kafka = new TestKafka(undefined, system.prefix);
    url = system.url('licensing');
    decisions = await kafka.collect(Topics.CallDecisions);
    licensingEvents = await kafka.collect(Topics.LicensingEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const put = (path: string, body?: unknown) => http('PUT', url + path, body ?? {});
  /**
   * Since session 10 the pool is the front door of outbound calls: licensing decides the calls it
   * refers (`CallReferred` on `pool-ledger.events`), each as it started.
   */
  const refer = (calls: CallStarted[]) =>
    kafka.publish(
      Topics.PoolLedgerEvents,
      calls.map((call) => callReferred(call, 'USERS_NOT_KNOWN')),
    );

  describe('ops API', () => {
    const tenant = uniqueTenant('contoso');

    it('creates users with a validated usage location and publishes UserUpserted', async () => {
      const created = await put(`/tenants/${tenant}/users/alice`, { usageLocation: 'US', displayName: 'Alice' });
      expect(created).toMatchObject({ status: 200, body: { userId: 'alice', usageLocation: 'US', displayName: 'Alice', licenses: [] } });
      const [event] = await licensingEvents.waitFor((m) => m.json?.['type'] === 'UserUpserted' && m.json?.['tenantId'] === tenant);
      expect(event!.json).toMatchObject({ version: 1, userId: 'alice', usageLocation: 'US' });
      expect(event!.key).toBe(tenant);

      const bad = await put(`/tenants/${tenant}/users/bob`, { usageLocation: 'USA' });
      expect(bad.status).toBe(400);
      expect(bad.contentType).toContain('application/problem+json');
      expect(bad.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        invalidParams: expect.arrayContaining([expect.objectContaining({ name: 'usageLocation' })]),
      });
      expect((await put(`/tenants/${tenant}/users/bob`, {})).status).toBe(400);
    });

    it('refuses a licence for a user without usage location, and for an unknown user', async () => {
      await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 5 });
      await put(`/tenants/${tenant}/users/nolocation`, { usageLocation: null });
      const refused = await put(`/tenants/${tenant}/users/nolocation/licenses/OFFICE_365_E5`);
      expect(refused).toMatchObject({ status: 422, body: { code: 'LICENSING.USAGE_LOCATION_REQUIRED' } });
      expect(await put(`/tenants/${tenant}/users/ghost/licenses/OFFICE_365_E5`)).toMatchObject({
        status: 404,
        body: { code: 'LICENSING.USER_NOT_FOUND' },
      });
    });

    it('refuses an unknown SKU with the list of valid ones', async () => {
      const refused = await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E3`, { seats: 1 });
      expect(refused).toMatchObject({ status: 400, body: { code: 'LICENSING.UNKNOWN_SKU' } });
      expect(refused.body['detail']).toContain('AUDIO_CONFERENCING_SELECT_DIAL_OUT');
    });

    it('never assigns more licences than seats, even when requests race', async () => {
      const racing = uniqueTenant('race');
      await put(`/tenants/${racing}/subscriptions/AUDIO_CONFERENCING`, { seats: 3 });
      const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
      await Promise.all(users.map((u) => put(`/tenants/${racing}/users/${u}`, { usageLocation: 'GB' })));
      const answers = await Promise.all(users.map((u) => put(`/tenants/${racing}/users/${u}/licenses/AUDIO_CONFERENCING`)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body['code'])).toEqual(Array(5).fill('LICENSING.NOT_ENOUGH_SEATS'));
      const subscriptions = await http<unknown[]>('GET', `${url}/tenants/${racing}/subscriptions`);
      expect(subscriptions.body).toEqual([{ sku: 'AUDIO_CONFERENCING', seats: 3, assigned: 3, available: 0 }]);
    });

    it('refuses to lower seats below what is assigned, and assigns the free credits licence without seats', async () => {
      await put(`/tenants/${tenant}/users/alice/licenses/OFFICE_365_E5`);
      await put(`/tenants/${tenant}/users/carol`, { usageLocation: 'FR' });
      await put(`/tenants/${tenant}/users/carol/licenses/OFFICE_365_E5`);
      expect(await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 1 })).toMatchObject({
        status: 409,
        body: { code: 'LICENSING.SEATS_BELOW_ASSIGNED', assigned: 2 },
      });
      expect(await put(`/tenants/${tenant}/users/alice/licenses/COMMUNICATIONS_CREDITS`)).toMatchObject({
        status: 200,
        body: { licenses: ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS'] },
      });
      const unassigned = await http('DELETE', `${url}/tenants/${tenant}/users/carol/licenses/OFFICE_365_E5`);
      expect(unassigned).toMatchObject({ status: 200, body: { licenses: [] } });
      expect(await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 1 })).toMatchObject({
        status: 200,
        body: { seats: 1, assigned: 1, available: 0 },
      });
      await licensingEvents.waitFor((m) => m.json?.['type'] === 'LicenseUnassigned' && m.json?.['tenantId'] === tenant);
    });
    it('takes If-Match: a stale ETag is refused with 412 and changes nothing', async () => {
      const first = await http('GET', `${url}/tenants/${tenant}/users/alice`);
      const etag = first.headers?.['etag'];
      expect(etag).toMatch(/^"\d+"$/);
      const moved = await http('PUT', `${url}/tenants/${tenant}/users/alice`, { usageLocation: 'US', displayName: 'Alice B.' }, { 'If-Match': etag! });
      expect(moved).toMatchObject({ status: 200, body: { displayName: 'Alice B.' } });
      expect(moved.headers?.['etag']).not.toBe(etag);
      const stale = await http('PUT', `${url}/tenants/${tenant}/users/alice`, { usageLocation: 'US', displayName: 'Alice C.' }, { 'If-Match': etag! });
      expect(stale).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED' } });
      expect((await http('GET', `${url}/tenants/${tenant}/users/alice`)).body).toMatchObject({ displayName: 'Alice B.' });
      expect((await http('PUT', `${url}/tenants/${tenant}/users/alice`, { usageLocation: 'US' }, { 'If-Match': 'yesterday' })).status).toBe(400);
    });
  });

  describe('admission stage 2', () => {
    const tenant = uniqueTenant('fabrikam');

    beforeAll(async () => {
      await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 10 });
      await put(`/tenants/${tenant}/subscriptions/DOMESTIC_CALLING_PLAN`, { seats: 10 });
      await put(`/tenants/${tenant}/subscriptions/PHONE_SYSTEM`, { seats: 10 });
      for (const user of ['organizer', 'caller', 'bare']) await put(`/tenants/${tenant}/users/${user}`, { usageLocation: 'US' });
      await put(`/tenants/${tenant}/users/organizer/licenses/OFFICE_365_E5`);
      await put(`/tenants/${tenant}/users/caller/licenses/PHONE_SYSTEM`);
      await put(`/tenants/${tenant}/users/caller/licenses/DOMESTIC_CALLING_PLAN`);
    });

    const cleared = (callId: string, overrides: Record<string, unknown>) =>
      serviceEvent('CallCleared', tenant, {
        ...outboundCallFacts(callId, { userId: 'organizer', ...overrides }),
        policyName: 'DialoutCPCandPSTNInternational',
        policySource: 'global',
      });

    const decisionOf = async (callId: string) => (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId))[0]!.json;

    it('rejects a cleared dial-out whose organizer has no Audio Conferencing licence', async () => {
      await kafka.publish(Topics.DialoutPolicyEvents, [cleared('no-ac', { userId: 'bare' })]);
      expect(await decisionOf('no-ac')).toMatchObject({
        type: 'CallRejected',
        reason: 'NO_AUDIO_CONFERENCING_LICENSE',
        decidedBy: 'licensing',
      });
    });

    it('admits a domestic call under a calling plan, and rejects an international one without the credits licence', async () => {
      await kafka.publish(Topics.DialoutPolicyEvents, [
        cleared('domestic', { callType: 'user_out', userId: 'caller', to: '+14255550123', destinationCountry: 'US', domestic: true }),
        cleared('abroad', { callType: 'user_out', userId: 'caller' }),
      ]);
      expect(await decisionOf('domestic')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan', maxDurationSeconds: null });
      expect(await decisionOf('abroad')).toMatchObject({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
    });

    it('dead-letters a malformed policy grant with its reason, and goes on with the calls after it', async () => {
      const dlt = await kafka.collect(`${Topics.DialoutPolicyEvents}.dlt`);
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('UserPolicyGranted', tenant, { userId: 'organizer', policyName: 'not a policy' }),
        cleared('after-grants', { userId: 'bare' }),
      ]);
      // The call after it is decided, by its licences as before; the grant is the only dead letter.
      expect(await decisionOf('after-grants')).toMatchObject({ reason: 'NO_AUDIO_CONFERENCING_LICENSE' });
      const [dead] = await dlt.waitFor((m) => m.headers['dlt-reason'] === 'SCHEMA_INVALID' && m.json?.['tenantId'] === tenant);
      expect(dead!.json).toMatchObject({ type: 'UserPolicyGranted', policyName: 'not a policy' });
      expect((await system.get<{ userPolicies: unknown[] }>('licensing', `/tenants/${tenant}/learned-dialout-policies`)).userPolicies).toEqual([]);
    });

    it('hands a Zone A dial-out of an E5 organizer to the pool with its entitlements, once however often it is cleared', async () => {
      const event = cleared('pooled', {});
      await kafka.publish(Topics.DialoutPolicyEvents, [event, event, { ...event, eventId: randomUUID() }]);
      const [entitled] = await licensingEvents.waitFor((m) => m.json?.['type'] === 'CallEntitled' && m.json?.['callId'] === 'pooled');
      expect(entitled!.json).toMatchObject({
        tenantId: tenant,
        poolEligible: true,
        creditsLicensed: false,
        capability: 'MCOMEETADD',
        destinationCountry: 'FR',
        correlationId: 'pooled',
      });
      // A later call's decision proves the repeats were processed, and produced nothing more.
      await kafka.publish(Topics.DialoutPolicyEvents, [cleared('marker', { userId: 'bare' })]);
      await decisionOf('marker');
      expect(licensingEvents.messages.filter((m) => m.json?.['callId'] === 'pooled')).toHaveLength(1);
      expect(decisions.messages.filter((m) => m.json?.['callId'] === 'pooled')).toHaveLength(0);
    });
  });

  describe('the dial-out policies it learns', () => {
    const learned = (tenant: string) => system.get<Record<string, unknown>>('licensing', `/tenants/${tenant}/learned-dialout-policies`);
    const restated = (tenant: string, page: number, pages: number, userPolicies: { userId: string; policyName: string }[]) =>
      serviceEvent('DialoutPoliciesRestated', tenant, { globalPolicy: 'DialoutCPCZoneAPSTNDomestic', userPolicies, page, pages, edition: 2 });

    it('knows a tenant once every page of its restatement is in, and keeps it by the grants published before and after', async () => {
      const tenant = uniqueTenant('adatum');
      expect(await learned(tenant)).toEqual({ known: false, globalPolicy: null, userPolicies: [], learnedAt: null });

      await kafka.publish(Topics.DialoutPolicyEvents, [
        // A grant published before the restatement is in it too: the restatement wins either way.
        serviceEvent('UserPolicyGranted', tenant, { userId: 'ann', policyName: 'DialoutCPCDisabledPSTNDomestic' }),
        restated(tenant, 1, 2, [{ userId: 'ann', policyName: 'DialoutCPCDisabledPSTNDomestic' }]),
      ]);
      // One page of two: its policies are learned, the tenant is not known yet.
      await eventually(async () =>
        expect(await learned(tenant)).toMatchObject({ known: false, userPolicies: [{ userId: 'ann', policyName: 'DialoutCPCDisabledPSTNDomestic' }] }),
      );

      await kafka.publish(Topics.DialoutPolicyEvents, [
        restated(tenant, 2, 2, [{ userId: 'abe', policyName: 'DialoutCPCInternationalPSTNDomestic' }]),
        serviceEvent('UserPolicyGranted', tenant, { userId: 'ann', policyName: null }),
        serviceEvent('UserPolicyGranted', tenant, { userId: 'bo', policyName: 'DialoutCPCandPSTNDisabled' }),
        serviceEvent('GlobalPolicyGranted', tenant, { policyName: 'DialoutCPCDomesticPSTNInternational' }),
      ]);
      const known = await eventually(async () => {
        const policies = await learned(tenant);
        expect(policies).toMatchObject({ known: true, globalPolicy: 'DialoutCPCDomesticPSTNInternational' });
        return policies;
      });
      expect(known['userPolicies']).toEqual([
        { userId: 'abe', policyName: 'DialoutCPCInternationalPSTNDomestic' },
        { userId: 'bo', policyName: 'DialoutCPCandPSTNDisabled' },
      ]);
      expect(Date.parse(known['learnedAt'] as string)).not.toBeNaN();
    });

    it('takes a newer restatement as the policies in force when it was made, in place of the older', async () => {
      const tenant = uniqueTenant('northwind');
      await kafka.publish(Topics.DialoutPolicyEvents, [restated(tenant, 1, 1, [{ userId: 'cy', policyName: 'DialoutCPCDisabledPSTNDomestic' }])]);
      await eventually(async () => expect(await learned(tenant)).toMatchObject({ known: true, userPolicies: [{ userId: 'cy' }] }));
      // Restated again (a newer edition): dee's policy is in force, cy's is not any more.
      await kafka.publish(Topics.DialoutPolicyEvents, [restated(tenant, 1, 1, [{ userId: 'dee', policyName: 'DialoutCPCandPSTNDisabled' }])]);
      await eventually(async () =>
        expect(await learned(tenant)).toMatchObject({ known: true, userPolicies: [{ userId: 'dee', policyName: 'DialoutCPCandPSTNDisabled' }] }),
      );
    });
  });

  describe('admission stages 1 and 2 in one hop', () => {
    const tenant = uniqueTenant('litware');
    const byCall = (callId: string) => (m: { json?: Record<string, unknown> }) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId;
    const onTopic = (collector: Collector, callId: string, type?: string) =>
      collector.messages.filter((m) => byCall(callId)(m) && (type === undefined || m.json?.['type'] === type));
    const started = (callId: string, overrides: Record<string, unknown> = {}) =>
      callStarted({ tenantId: tenant, callId, userId: 'organizer', to: '+33142685300', ...overrides });

    beforeAll(async () => {
      await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 10 });
      await put(`/tenants/${tenant}/subscriptions/PHONE_SYSTEM`, { seats: 10 });
      await put(`/tenants/${tenant}/subscriptions/DOMESTIC_CALLING_PLAN`, { seats: 10 });
      for (const user of ['organizer', 'caller', 'walled']) await put(`/tenants/${tenant}/users/${user}`, { usageLocation: 'US' });
      await put(`/tenants/${tenant}/users/nowhere`, { usageLocation: null });
      for (const user of ['organizer', 'walled']) await put(`/tenants/${tenant}/users/${user}/licenses/OFFICE_365_E5`);
      await put(`/tenants/${tenant}/users/caller/licenses/PHONE_SYSTEM`);
      await put(`/tenants/${tenant}/users/caller/licenses/DOMESTIC_CALLING_PLAN`);
    });

    /** The dial-out policy service restates the tenant's policies (once): from then on they are known here. */
    async function restated(): Promise<void> {
      const learned = () => system.get<{ known: boolean }>('licensing', `/tenants/${tenant}/learned-dialout-policies`);
      if ((await learned()).known) return;
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('DialoutPoliciesRestated', tenant, {
          globalPolicy: null,
          userPolicies: [{ userId: 'walled', policyName: 'DialoutCPCZoneAPSTNDomestic' }],
          page: 1,
          pages: 1,
          edition: 2,
        }),
      ]);
      await eventually(async () => expect(await learned()).toMatchObject({ known: true }));
    }

    it("refers a call to the dial-out policy service until the tenant's policies are known here, then screens and entitles in one decision", async () => {
      const early = started('before-restatement');
      await refer([early]);
      const [referral] = await licensingEvents.waitFor((m) => byCall('before-restatement')(m) && m.json?.['type'] === 'CallReferred');
      expect(referral!.json).toMatchObject({
        version: 1,
        callType: 'conf_out',
        userId: 'organizer',
        from: early.from,
        to: early.to,
        startedAt: early.occurredAt,
        startedEventId: early.eventId,
        reason: 'POLICIES_NOT_KNOWN',
        causationId: early.eventId,
      });
      expect(licensingSchemas().validate(referral!.json)).toMatchObject({ ok: true });

      await restated();

      const pooled = started('one-hop');
      await refer([pooled]);
      const [entitled] = await licensingEvents.waitFor((m) => byCall('one-hop')(m) && m.json?.['type'] === 'CallEntitled');
      expect(entitled!.json).toMatchObject({
        callType: 'conf_out',
        destinationCountry: 'FR',
        usageLocation: 'US',
        domestic: false,
        zoneA: true,
        emergency: false,
        startedAt: pooled.occurredAt,
        poolEligible: true,
        capability: 'MCOMEETADD',
        causationId: pooled.eventId,
      });
      expect(entitled!.json).not.toHaveProperty('policyName');
      const [screened] = onTopic(licensingEvents, 'one-hop', 'CallScreened');
      expect(screened!.json).toMatchObject({
        policyName: 'DialoutCPCandPSTNInternational',
        policySource: 'global',
        control: 'CPC',
        outcome: 'cleared',
        destinationCountry: 'FR',
        domestic: false,
      });
      expect(licensingSchemas().validate(screened!.json)).toMatchObject({ ok: true });
      expect(onTopic(licensingEvents, 'one-hop', 'CallReferred')).toEqual([]);
    });

    it('refuses by the dial-out policy what its rule refuses, saying so, and admits a calling-plan call at once', async () => {
      await restated();
      await refer([
        started('walled-abroad', { userId: 'walled', to: '+97142345678' }), // Dubai: not Zone A
        started('plan-call', { callType: 'user_out', userId: 'caller', to: '+14255550123' }),
        started('bad-number', { to: '+80012345678' }),
      ]);
      const decisionOf = async (callId: string) => (await decisions.waitFor(byCall(callId)))[0]!.json;
      expect(await decisionOf('walled-abroad')).toMatchObject({
        type: 'CallRejected',
        reason: 'DIALOUT_POLICY_BLOCKED',
        decidedBy: 'dialout-policy',
        details: { control: 'CPC', policyName: 'DialoutCPCZoneAPSTNDomestic' },
      });
      expect(await decisionOf('plan-call')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan', decidedBy: 'licensing', capability: 'MCOPSTN1' });
      expect(await decisionOf('bad-number')).toMatchObject({ type: 'CallRejected', reason: 'INVALID_NUMBER', decidedBy: 'dialout-policy' });
      await licensingEvents.waitFor((m) => byCall('bad-number')(m) && m.json?.['type'] === 'CallScreened');
      expect(onTopic(licensingEvents, 'walled-abroad', 'CallScreened')[0]!.json).toMatchObject({
        outcome: 'blocked',
        policySource: 'user',
        destinationCountry: null,
        domestic: null,
      });
      expect(onTopic(licensingEvents, 'bad-number', 'CallScreened')[0]!.json).toMatchObject({ outcome: 'invalid_number' });
    });

    it('follows a grant learned after the restatement', async () => {
      await restated();
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('UserPolicyGranted', tenant, { userId: 'organizer', policyName: 'DialoutCPCandPSTNDisabled' }),
      ]);
      await eventually(async () =>
        expect((await system.get<{ userPolicies: unknown[] }>('licensing', `/tenants/${tenant}/learned-dialout-policies`)).userPolicies).toContainEqual({
          userId: 'organizer',
          policyName: 'DialoutCPCandPSTNDisabled',
        }),
      );
      await refer([started('after-grant')]);
      expect((await decisions.waitFor(byCall('after-grant')))[0]!.json).toMatchObject({ reason: 'DIALOUT_POLICY_BLOCKED', decidedBy: 'dialout-policy' });
      await kafka.publish(Topics.DialoutPolicyEvents, [serviceEvent('UserPolicyGranted', tenant, { userId: 'organizer', policyName: null })]);
      await grantLearnedByLicensing(url, tenant, { userId: 'organizer', policyName: null });
    });

    it('refers the calls of a user it does not know, or knows without a usage location, and entitles them once cleared', async () => {
      await refer([started('stranger', { userId: 'stranger' }), started('placeless', { userId: 'nowhere' })]);
      const referralOf = async (callId: string) => (await licensingEvents.waitFor((m) => byCall(callId)(m) && m.json?.['type'] === 'CallReferred'))[0]!.json;
      expect(await referralOf('stranger')).toMatchObject({ reason: 'USER_NOT_KNOWN' });
      expect(await referralOf('placeless')).toMatchObject({ reason: 'USAGE_LOCATION_NOT_KNOWN' });
      // The dial-out policy service clears one back: stage 2 decides it as before.
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('CallCleared', tenant, {
          ...outboundCallFacts('placeless', { userId: 'nowhere' }),
          policyName: 'DialoutCPCandPSTNInternational',
          policySource: 'global',
        }),
      ]);
      expect((await decisions.waitFor(byCall('placeless')))[0]!.json).toMatchObject({ reason: 'NO_AUDIO_CONFERENCING_LICENSE', decidedBy: 'licensing' });
    });

    it('decides a call once: a CallStarted repeated under a new event id, and a clearance of a call it screened itself', async () => {
      await restated();
      const call = started('screened-once');
      await refer([call, call, { ...call, eventId: randomUUID() }]);
      await licensingEvents.waitFor((m) => byCall('screened-once')(m) && m.json?.['type'] === 'CallEntitled');
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('CallCleared', tenant, { ...outboundCallFacts('screened-once'), policyName: 'DialoutCPCandPSTNInternational', policySource: 'global' }),
      ]);
      // A later call's decision shows the repeats were consumed, and added nothing.
      await refer([started('marker-once', { userId: 'stranger' })]);
      await licensingEvents.waitFor((m) => byCall('marker-once')(m) && m.json?.['type'] === 'CallReferred');
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('CallCleared', tenant, {
          ...outboundCallFacts('marker-once', { userId: 'stranger' }),
          policyName: 'DialoutCPCandPSTNInternational',
          policySource: 'global',
        }),
      ]);
      await decisions.waitFor(byCall('marker-once'));
      expect(onTopic(licensingEvents, 'screened-once').map((m) => m.json?.['type'])).toEqual(['CallScreened', 'CallEntitled']);
      expect(onTopic(decisions, 'screened-once')).toEqual([]);
    });
  });

  describe("the tenant's users, restated for pool-ledger's replica", () => {
    const restatementsOf = (tenant: string) =>
      licensingEvents.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'LicensedUsersRestated');
    /** What the topic says of the tenant's users, in order: restatements (user:licences) and licence assignments. */
    const userFacts = (tenant: string) =>
      licensingEvents.messages
        .filter((m) => m.json?.['tenantId'] === tenant && ['LicensedUsersRestated', 'LicenseAssigned'].includes(String(m.json?.['type'])))
        .map((m) =>
          m.json?.['type'] === 'LicenseAssigned'
            ? `assigned ${String(m.json['userId'])} ${String(m.json['sku'])}`
            : `restated ${(m.json?.['users'] as { userId: string; licenses: string[] }[]).map((u) => `${u.userId}:${u.licenses.join('+')}`).join(',')}`,
        );

    async function tenantWithUsers(): Promise<string> {
      const tenant = uniqueTenant('adatum');
      await put(`/tenants/${tenant}/subscriptions/OFFICE_365_E5`, { seats: 5 });
      await put(`/tenants/${tenant}/subscriptions/PHONE_SYSTEM`, { seats: 5 });
      await put(`/tenants/${tenant}/users/organizer`, { usageLocation: 'US' });
      await put(`/tenants/${tenant}/users/organizer/licenses/OFFICE_365_E5`);
      await put(`/tenants/${tenant}/users/organizer/licenses/COMMUNICATIONS_CREDITS`);
      await put(`/tenants/${tenant}/users/roaming`, { usageLocation: null });
      return tenant;
    }

    /** Sessions of the service's database waiting for a lock another holds. */
    async function blockedSessions(): Promise<number> {
      const db = new Client({ connectionString: String((system.services['licensing']!.config as unknown as Record<string, unknown>)['DATABASE_URL']) });
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

    it("states every user's usage location and licences with the tenant's first referred call, once", async () => {
      const tenant = await tenantWithUsers();
      expect(restatementsOf(tenant)).toEqual([]);
      await refer([callStarted({ tenantId: tenant, callId: 'first', userId: 'organizer', to: '+33142685300' })]);
      const [restatement] = await licensingEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'LicensedUsersRestated');
      expect(restatement!.json).toMatchObject({
        version: 1,
        edition: 2,
        page: 1,
        pages: 1,
        users: [
          { userId: 'organizer', usageLocation: 'US', licenses: ['COMMUNICATIONS_CREDITS', 'OFFICE_365_E5'] },
          { userId: 'roaming', usageLocation: null, licenses: [] },
        ],
      });
      expect(licensingSchemas().decode(JSON.stringify(restatement!.json)).ok).toBe(true);

      await refer([callStarted({ tenantId: tenant, callId: 'second', userId: 'organizer', to: '+33142685300' })]);
      await licensingEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'second');
      expect(restatementsOf(tenant)).toHaveLength(1);
    });

    it('makes a licence assigned during the restatement wait, and publishes it after, so a reader ends with it', async () => {
      const tenant = await tenantWithUsers();
      const app = system.services['licensing']!.app;
      let held!: () => void;
      let release!: () => void;
      const isHeld = new Promise<void>((resolve) => (held = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const restating = app.get(Transactions, { strict: false }).run(async (sql) => {
        await app
          .get(CallAdmission, { strict: false })
          .admit(sql, [callStarted({ tenantId: tenant, callId: `held-${randomUUID()}`, userId: 'organizer', to: '+33142685300' })]);
        held();
        await released;
      });
      await isHeld;
      const assigning = put(`/tenants/${tenant}/users/organizer/licenses/PHONE_SYSTEM`);
      await eventually(async () => expect(await blockedSessions()).toBeGreaterThan(0));
      release();
      await restating;
      expect((await assigning).status).toBe(200);
      await eventually(() =>
        expect(userFacts(tenant)).toEqual([
          'assigned organizer OFFICE_365_E5',
          'assigned organizer COMMUNICATIONS_CREDITS',
          'restated organizer:COMMUNICATIONS_CREDITS+OFFICE_365_E5,roaming:',
          'assigned organizer PHONE_SYSTEM',
        ]),
      );
    });

    it('makes the restatement wait for a licence being assigned, and carries it', async () => {
      const tenant = await tenantWithUsers();
      const app = system.services['licensing']!.app;
      let appended!: () => void;
      let release!: () => void;
      const hasAppended = new Promise<void>((resolve) => (appended = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      // An assignment in progress, as LicensingCommands.assignLicense makes it: the tenant's users lock, then the user's stream.
      const assigning = app.get(Transactions, { strict: false }).run(async (sql) => {
        await lockTenantUsers(sql, [tenant]);
        await decideAndAppend(sql, app.get(EventStore, { strict: false }), userStream(tenant, 'organizer'), userDecider, {
          type: 'AssignLicense',
          userId: 'organizer',
          sku: 'PHONE_SYSTEM',
          seats: { purchased: 5, assigned: 0 },
        });
        appended();
        await released;
      });
      await hasAppended;
      await refer([callStarted({ tenantId: tenant, callId: 'waits', userId: 'organizer', to: '+33142685300' })]);
      await eventually(async () => expect(await blockedSessions()).toBeGreaterThan(0));
      release();
      await assigning;
      await eventually(() =>
        expect(userFacts(tenant)).toEqual([
          'assigned organizer OFFICE_365_E5',
          'assigned organizer COMMUNICATIONS_CREDITS',
          'assigned organizer PHONE_SYSTEM',
          'restated organizer:COMMUNICATIONS_CREDITS+OFFICE_365_E5+PHONE_SYSTEM,roaming:',
        ]),
      );
    });
  });
});
