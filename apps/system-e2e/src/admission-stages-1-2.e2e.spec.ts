import { Topics } from '@comms-credits/contracts';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { TestSystem, grantLearnedByLicensing, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';

/** Stages 1 and 2 of the admission chain together: dial-out policy, then licensing, over Kafka. */
describe('admission: dial-out policy → licensing', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let entitled: Collector;
  const tenant = uniqueTenant('contoso');

  beforeAll(async () => {
    system = await startTestSystem([licensingService, dialoutPolicyService]);
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    entitled = await kafka.collect(Topics.LicensingEvents);

    const licensing = (path: string, body: unknown = {}) => http('PUT', `${system.url('licensing')}/tenants/${tenant}${path}`, body);
    for (const [sku, seats] of [
      ['OFFICE_365_E5', 10],
      ['DOMESTIC_CALLING_PLAN', 10],
    ] as const)
      await licensing(`/subscriptions/${sku}`, { seats });
    for (const user of ['alice', 'bob', 'carol']) await licensing(`/users/${user}`, { usageLocation: 'US' });
    await licensing('/users/alice/licenses/OFFICE_365_E5'); // organizer with Audio Conferencing, no credits licence
    await licensing('/users/bob/licenses/OFFICE_365_E5'); // E5 includes Phone System
    await licensing('/users/bob/licenses/DOMESTIC_CALLING_PLAN');
    // carol: no licence at all.

    // Stage 1 judges "domestic" by the usage location it learned from licensing.events.
    for (const user of ['alice', 'bob', 'carol']) {
      await eventually(async () => {
        const policy = await http<{ usageLocation: string | null }>('GET', `${system.url('dialout-policy')}/tenants/${tenant}/users/${user}/dialout-policy`);
        expect(policy.body.usageLocation).toBe('US');
      });
    }
  });

  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const decisionsOf = (callId: string) => decisions.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId);
  const decisionOf = async (callId: string) => (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId))[0]!.json!;
  /** Grants, and waits until licensing, which screens the tenant's calls once it knows its policies, has learned the grant. */
  const setPolicy = async (user: string, policyName: string | null) => {
    const answer = await http('PUT', `${system.url('dialout-policy')}/tenants/${tenant}/users/${user}/dialout-policy`, { policyName });
    if (answer.status === 200) await grantLearnedByLicensing(system.url('licensing'), tenant, { userId: user, policyName });
    return answer;
  };

  it('a call blocked by policy gets one rejection and is never entitled', async () => {
    expect((await setPolicy('alice', 'DialoutCPCDomesticPSTNDisabled')).status).toBe(200);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'blocked', userId: 'alice', to: '+33142685300' })]);
    expect(await decisionOf('blocked')).toMatchObject({
      type: 'CallRejected',
      reason: 'DIALOUT_POLICY_BLOCKED',
      decidedBy: 'dialout-policy',
      details: { control: 'CPC', policyName: 'DialoutCPCDomesticPSTNDisabled' },
    });
    // A later call of the same tenant (same partitions) proves the chain has moved past it.
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'after-blocked', userId: 'carol', to: '+14255550123' })]);
    await decisionOf('after-blocked');
    expect(decisionsOf('blocked')).toHaveLength(1);
    // Licensing never entitled it: no hand-over, no decision of its own.
    expect(entitled.messages.filter((m) => m.json?.['callId'] === 'blocked' && m.json?.['type'] === 'CallEntitled')).toHaveLength(0);
    expect(decisionsOf('blocked').filter((m) => m.json?.['decidedBy'] === 'licensing')).toHaveLength(0);
  });

  it('granting null restores the Global policy, and the next call is judged by it', async () => {
    expect(await setPolicy('alice', null)).toMatchObject({ status: 200 });
    const effective = await http('GET', `${system.url('dialout-policy')}/tenants/${tenant}/users/alice/dialout-policy`);
    expect(effective.body).toMatchObject({ policyName: 'DialoutCPCandPSTNInternational', source: 'global', cpc: 'Any', pstn: 'International' });
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'cleared', userId: 'alice', to: '+33142685300' })]);
    // Cleared by stage 1, entitled by stage 2 (Zone A, E5): handed on to the pool stage.
    const [handOver] = await entitled.waitFor((m) => m.json?.['type'] === 'CallEntitled' && m.json?.['callId'] === 'cleared');
    expect(handOver!.json).toMatchObject({ tenantId: tenant, destinationCountry: 'FR', zoneA: true, poolEligible: true, creditsLicensed: false });
  });

  it('a cleared call without the needed licence is rejected by licensing', async () => {
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'no-licence', userId: 'carol', to: '+33142685300' })]);
    expect(await decisionOf('no-licence')).toMatchObject({ type: 'CallRejected', reason: 'NO_AUDIO_CONFERENCING_LICENSE', decidedBy: 'licensing' });
  });

  it('a domestic call under a calling plan is admitted; abroad without the credits licence it is rejected', async () => {
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: 'domestic', callType: 'user_out', userId: 'bob', to: '+14255550123' }),
      callStarted({ tenantId: tenant, callId: 'abroad', callType: 'user_out', userId: 'bob', to: '+442079460000' }),
    ]);
    expect(await decisionOf('domestic')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan', decidedBy: 'licensing' });
    expect(await decisionOf('abroad')).toMatchObject({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
  });

  it('repeated and reordered events give the same single decision per call', async () => {
    const first = callStarted({ tenantId: tenant, callId: 'repeat', callType: 'user_out', userId: 'bob', to: '+14255550999' });
    const again = { ...first, eventId: '9f5b2c1e-0c52-4c6e-9a59-2f1f0c8d2a11' };
    await kafka.publish(Topics.CallStarted, [first, first, again]);
    await kafka.publish(Topics.CallStarted, [first]);
    expect(await decisionOf('repeat')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan' });
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'marker', callType: 'user_out', userId: 'bob', to: '+14255550998' })]);
    await decisionOf('marker');
    expect(decisionsOf('repeat')).toHaveLength(1);
  });

  it("screens every call exactly once, at dialout-policy or in licensing, across the moment licensing learns the tenant's policies", async () => {
    const fresh = uniqueTenant('handover');
    const licensing = (path: string, body: unknown = {}) => http('PUT', `${system.url('licensing')}/tenants/${fresh}${path}`, body);
    await licensing('/subscriptions/OFFICE_365_E5', { seats: 1 });
    await licensing('/users/dora', { usageLocation: 'US' });
    await licensing('/users/dora/licenses/OFFICE_365_E5');
    const known = async () => (await http<{ known: boolean }>('GET', `${system.url('licensing')}/tenants/${fresh}/learned-dialout-policies`)).body.known;
    // Calls one after another until licensing knows the tenant (its first calls are referred and
    // restate its policies), then as many again: some are in flight while it learns them.
    const callIds: string[] = [];
    const call = async () => {
      const callId = `h-${callIds.length}`;
      callIds.push(callId);
      await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: fresh, callId, userId: 'dora', to: '+33142685300' })]);
    };
    while (!(await known())) {
      if (callIds.length >= 200) throw new Error('licensing never learned the policies of the tenant its calls were referred for');
      await call();
    }
    for (let i = 0; i < 10; i++) await call();

    const ofCall = (callId: string, type: string) => entitled.messages.filter((m) => m.json?.['callId'] === callId && m.json?.['type'] === type);
    const screenedHere = (callId: string) => ofCall(callId, 'CallScreened');
    const referred = (callId: string) => ofCall(callId, 'CallReferred');
    await eventually(() => {
      for (const callId of callIds) expect({ callId, entitled: ofCall(callId, 'CallEntitled').length }).toEqual({ callId, entitled: 1 });
    });
    // Every call screened once: in licensing (CallScreened) or, referred, at dialout-policy (its count).
    for (const callId of callIds) expect({ callId, screenings: screenedHere(callId).length + referred(callId).length }).toEqual({ callId, screenings: 1 });
    const inLicensing = callIds.filter((id) => screenedHere(id).length === 1).length;
    expect(inLicensing).toBeGreaterThanOrEqual(10);
    expect(inLicensing).toBeLessThan(callIds.length);
    await eventually(async () => {
      const counts = (await http<{ cleared: number }[]>('GET', `${system.url('dialout-policy')}/tenants/${fresh}/dialout-policy/calls`)).body;
      expect(counts.reduce((sum, row) => sum + row.cleared, 0)).toBe(callIds.length);
    });
    expect(decisions.messages.filter((m) => m.json?.['tenantId'] === fresh)).toEqual([]);
  });
});
