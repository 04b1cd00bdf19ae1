import { Topics } from '@comms-credits/contracts';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { TestSystem, grantLearned, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';

/**
 * Stages 1 and 2 of admission over Kafka, wherever they are decided: the pool, the front door of
 * outbound calls, decides a call in one hop once it has learned the tenant's users and policies;
 * else licensing, which screens it itself once it knows the policies, or refers it on to the
 * dial-out policy service.
 */
describe('admission: the pool, licensing and the dial-out policy service together', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let entitled: Collector;
  let poolEvents: Collector;
  const tenant = uniqueTenant('contoso');

  beforeAll(async () => {
    system = await startTestSystem([licensingService, dialoutPolicyService, poolLedgerService]);
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    entitled = await kafka.collect(Topics.LicensingEvents);
    poolEvents = await kafka.collect(Topics.PoolLedgerEvents);

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
  /** Grants, and waits until licensing and the pool, which screen the tenant's calls once they know its policies, have learned the grant. */
  const setPolicy = async (user: string, policyName: string | null) => {
    const answer = await http('PUT', `${system.url('dialout-policy')}/tenants/${tenant}/users/${user}/dialout-policy`, { policyName });
    if (answer.status === 200) await grantLearned([system.url('licensing'), system.url('pool-ledger')], tenant, { userId: user, policyName });
    return answer;
  };
  /** A call's events of one type, on licensing's topic and the pool's: stages 1 and 2 state them wherever they decided. */
  const stated = (callId: string, type: string, tenantId = tenant) =>
    [...entitled.messages, ...poolEvents.messages].filter(
      (m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId && m.json?.['type'] === type,
    );

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
    // Never entitled: no hand-over, no decision by licensing's rules.
    expect(stated('blocked', 'CallEntitled')).toHaveLength(0);
    expect(decisionsOf('blocked').filter((m) => m.json?.['decidedBy'] === 'licensing')).toHaveLength(0);
  });

  it('granting null restores the Global policy, and the next call is judged by it', async () => {
    expect(await setPolicy('alice', null)).toMatchObject({ status: 200 });
    const effective = await http('GET', `${system.url('dialout-policy')}/tenants/${tenant}/users/alice/dialout-policy`);
    expect(effective.body).toMatchObject({ policyName: 'DialoutCPCandPSTNInternational', source: 'global', cpc: 'Any', pstn: 'International' });
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'cleared', userId: 'alice', to: '+33142685300' })]);
    // Cleared by stage 1, entitled by stage 2 (Zone A, E5): on to the pool stage.
    await eventually(() => expect(stated('cleared', 'CallEntitled')).toHaveLength(1));
    expect(stated('cleared', 'CallEntitled')[0]!.json).toMatchObject({ destinationCountry: 'FR', zoneA: true, poolEligible: true, creditsLicensed: false });
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

  it('screens and entitles every call exactly once, in the pool, in licensing or at dialout-policy, across the moments each learns the tenant', async () => {
    const fresh = uniqueTenant('handover');
    const licensing = (path: string, body: unknown = {}) => http('PUT', `${system.url('licensing')}/tenants/${fresh}${path}`, body);
    await licensing('/subscriptions/OFFICE_365_E5', { seats: 1 });
    await licensing('/users/dora', { usageLocation: 'US' });
    await licensing('/users/dora/licenses/OFFICE_365_E5');
    await licensing('/users/dora/licenses/COMMUNICATIONS_CREDITS'); // so that the pool's funding is final (fundingIsFinal)
    const knows = async (path: string) => (await http<{ known: boolean }>('GET', `${system.url('pool-ledger')}/tenants/${fresh}/${path}`)).body.known;
    // Calls one after another until the pool knows the tenant's users and policies (its first
    // calls are referred to licensing, which restates the users, and on to dialout-policy, which
    // restates the policies), then as many again: some are in flight while each learns them.
    const callIds: string[] = [];
    const call = async () => {
      const callId = `h-${callIds.length}`;
      callIds.push(callId);
      await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: fresh, callId, userId: 'dora', to: '+33142685300' })]);
    };
    while (!((await knows('learned-callers')) && (await knows('learned-dialout-policies')))) {
      if (callIds.length >= 300) throw new Error('the pool never learned the users and policies of the tenant its calls were referred for');
      await call();
    }
    for (let i = 0; i < 10; i++) await call();

    await eventually(() => {
      for (const callId of callIds) expect({ callId, entitled: stated(callId, 'CallEntitled', fresh).length }).toEqual({ callId, entitled: 1 });
    });
    // Screened once each: in the pool or in licensing (CallScreened), or referred on by licensing
    // to dialout-policy (licensing's CallReferred; the pool's own referrals are to licensing).
    const inPool = (callId: string) =>
      poolEvents.messages.filter((m) => m.json?.['callId'] === callId && m.json?.['tenantId'] === fresh && m.json?.['type'] === 'CallScreened');
    const inLicensing = (callId: string) =>
      entitled.messages.filter((m) => m.json?.['callId'] === callId && m.json?.['tenantId'] === fresh && m.json?.['type'] === 'CallScreened');
    const atDialoutPolicy = (callId: string) =>
      entitled.messages.filter((m) => m.json?.['callId'] === callId && m.json?.['tenantId'] === fresh && m.json?.['type'] === 'CallReferred');
    for (const callId of callIds) {
      expect({ callId, screenings: inPool(callId).length + inLicensing(callId).length + atDialoutPolicy(callId).length }).toEqual({ callId, screenings: 1 });
    }
    const oneHop = callIds.filter((id) => inPool(id).length === 1).length;
    expect(oneHop).toBeGreaterThanOrEqual(10);
    expect(oneHop).toBeLessThan(callIds.length);
    await eventually(async () => {
      const counts = (await http<{ cleared: number }[]>('GET', `${system.url('dialout-policy')}/tenants/${fresh}/dialout-policy/calls`)).body;
      expect(counts.reduce((sum, row) => sum + row.cleared, 0)).toBe(callIds.length);
    });
  });
});
