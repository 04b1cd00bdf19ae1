import { Topics } from '@comms-credits/contracts';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, ReceivedMessage, TestKafka, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';

/**
 * Issue 11, stages 1 and 2 together over Kafka: a user whose licence was just assigned dials at
 * once (stage 1 may not have learned the user yet), emergency calls from a caller nobody knows,
 * and an organizer with Select Dial Out and pay-per-minute conferencing dialling France.
 */
describe('admission: facts a stage has not learned yet, emergency calls, Select Dial Out with pay-per-minute', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let licensingEvents: Collector;
  let poolEvents: Collector;

  beforeAll(async () => {
    // The pool is the front door of outbound calls (session 10): it decides a call in one hop
    // once it knows the tenant, and refers the others to licensing.
    system = await startTestSystem([licensingService, dialoutPolicyService, poolLedgerService], {
      DIALOUT_USER_WAIT_MS: 5_000,
      DIALOUT_SWEEP_POLL_MS: 100,
    });
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    licensingEvents = await kafka.collect(Topics.LicensingEvents);
    poolEvents = await kafka.collect(Topics.PoolLedgerEvents);
  });

  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  async function licensing(tenant: string, path: string, body: unknown = {}): Promise<void> {
    const answer = await http('PUT', `${system.url('licensing')}/tenants/${tenant}${path}`, body);
    if (answer.status >= 300) throw new Error(`PUT ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  /** A user with a usage location and licences, as an admin sets one up: no waiting for anything. */
  async function licensedUser(tenant: string, userId: string, usageLocation: string, skus: string[]): Promise<void> {
    await licensing(tenant, `/users/${userId}`, { usageLocation });
    for (const sku of skus) await licensing(tenant, `/users/${userId}/licenses/${sku}`);
  }

  const ofCall = (tenant: string, callId: string) => (m: ReceivedMessage) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId;
  const decisionOf = async (tenant: string, callId: string) => (await decisions.waitFor(ofCall(tenant, callId)))[0]!.json!;
  /** Stage 2's hand-over of a call, stated by licensing or, decided in one hop, by the pool. */
  const entitlementOf = async (tenant: string, callId: string) => {
    const entitled = (m: ReceivedMessage) => m.json?.['type'] === 'CallEntitled' && ofCall(tenant, callId)(m);
    return eventually(() => {
      const [first] = [...licensingEvents.messages, ...poolEvents.messages].filter(entitled);
      if (!first) throw new Error(`${tenant}/${callId} not entitled yet`);
      return first.json!;
    });
  };

  it('never rejects as UNKNOWN_USER the call of a user whose licence was just assigned, under a Global policy that allows it', async () => {
    const tenant = uniqueTenant('fresh');
    await licensing(tenant, '/subscriptions/OFFICE_365_E5', { seats: 10 });
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    for (const user of users) {
      await licensedUser(tenant, user, 'US', ['OFFICE_365_E5']);
      // Dialled the moment the licence is assigned, before stage 1 may have heard of the user.
      await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: `call-${user}`, userId: user, to: '+33142685300' })]);
    }
    for (const user of users) {
      // Whoever knew what first, licensing hands the call on with the organizer's facts filled in.
      expect(await entitlementOf(tenant, `call-${user}`)).toMatchObject({
        userId: user,
        usageLocation: 'US',
        domestic: false,
        destinationCountry: 'FR',
        poolEligible: true,
      });
    }
    // Nothing refused (the pool admits them from its minutes once it decides them).
    expect(decisions.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'CallRejected')).toEqual([]);
  });

  it('judges the call of a just-licensed user under a Domestic Global policy once stage 1 has learned where the user is', async () => {
    const tenant = uniqueTenant('domestic');
    expect((await http('PUT', `${system.url('dialout-policy')}/tenants/${tenant}/dialout-policy`, { policyName: 'DialoutCPCandPSTNDomestic' })).status).toBe(
      200,
    );
    await licensing(tenant, '/subscriptions/OFFICE_365_E5', { seats: 10 });
    await licensedUser(tenant, 'dana', 'US', ['OFFICE_365_E5']);
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: 'to-seattle', userId: 'dana', to: '+14255550123' }),
      callStarted({ tenantId: tenant, callId: 'to-paris', userId: 'dana', to: '+33142685300' }),
    ]);
    expect(await entitlementOf(tenant, 'to-seattle')).toMatchObject({ usageLocation: 'US', domestic: true, poolEligible: true });
    expect(await decisionOf(tenant, 'to-paris')).toMatchObject({
      type: 'CallRejected',
      reason: 'DIALOUT_POLICY_BLOCKED',
      decidedBy: 'dialout-policy',
      details: { control: 'CPC', policyName: 'DialoutCPCandPSTNDomestic' },
    });
  });

  it('admits free an emergency call from a caller neither stage knows, whatever the policy', async () => {
    const tenant = uniqueTenant('emergency');
    expect((await http('PUT', `${system.url('dialout-policy')}/tenants/${tenant}/dialout-policy`, { policyName: 'DialoutCPCandPSTNDisabled' })).status).toBe(
      200,
    );
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: 'sos', callType: 'user_out', userId: 'visitor', from: '+14255550100', to: '911' }),
      callStarted({ tenantId: tenant, callId: 'not-sos', callType: 'user_out', userId: 'visitor', from: '+14255550100', to: '12345' }),
    ]);
    expect(await decisionOf(tenant, 'sos')).toMatchObject({ type: 'CallAdmitted', funding: 'free', maxDurationSeconds: null, decidedBy: 'licensing' });
    // A short code that is an emergency number nowhere is still not a number.
    expect(await decisionOf(tenant, 'not-sos')).toMatchObject({ type: 'CallRejected', reason: 'INVALID_NUMBER', decidedBy: 'dialout-policy' });
  });

  it('bills to credits, never the pool, the France dial-out of an organizer with Select Dial Out and pay-per-minute conferencing', async () => {
    const tenant = uniqueTenant('select-ppm');
    for (const sku of ['AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING_PPM']) await licensing(tenant, `/subscriptions/${sku}`, { seats: 5 });
    await licensedUser(tenant, 'sam', 'US', ['AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS']);
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: 'to-paris', userId: 'sam', to: '+33142685300' }),
      callStarted({ tenantId: tenant, callId: 'to-toronto', userId: 'sam', to: '+14165550123' }),
    ]);
    expect(await entitlementOf(tenant, 'to-paris')).toMatchObject({
      destinationCountry: 'FR',
      zoneA: true,
      poolEligible: false,
      creditsLicensed: true,
      capability: 'MCOMEETACPEA',
    });
    // Select Dial Out still draws on the pool for US and CA.
    expect(await entitlementOf(tenant, 'to-toronto')).toMatchObject({ destinationCountry: 'CA', poolEligible: true, capability: 'MCOMEETADD' });
  });
});
