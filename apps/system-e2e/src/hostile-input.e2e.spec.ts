import { DeadLetterHeaders, Topics, deadLetterTopicOf } from '@comms-credits/contracts';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callStarted, eventually, hostileCallStarted, uniqueTenant } from '@comms-credits/testing';
import { allServices, readerOf, serviceNames } from './all-services';

/**
 * Issue 12: one hostile message on telephony.call-started used to crash the consumers of all
 * five services for good. Now every kind is dead-lettered by each service with its reason and
 * the next ordinary call of the same tenant (same partition) is still admitted.
 */
describe('hostile input on telephony.call-started, all five services', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let dead: Collector;
  const tenant = uniqueTenant('hostile');

  beforeAll(async () => {
    system = await startTestSystem(allServices);
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    dead = await kafka.collect(deadLetterTopicOf(Topics.CallStarted));
    const licensing = (path: string, body: unknown = {}) => http('PUT', `${system.url('licensing')}/tenants/${tenant}${path}`, body);
    for (const [sku, seats] of [
      ['OFFICE_365_E5', 5],
      ['DOMESTIC_CALLING_PLAN', 5],
    ] as const)
      await licensing(`/subscriptions/${sku}`, { seats });
    await licensing('/users/bob', { usageLocation: 'US' });
    await licensing('/users/bob/licenses/OFFICE_365_E5');
    await licensing('/users/bob/licenses/DOMESTIC_CALLING_PLAN');
    await eventually(async () => {
      const policy = await http<{ usageLocation: string | null }>('GET', `${system.url('dialout-policy')}/tenants/${tenant}/users/bob/dialout-policy`);
      expect(policy.body.usageLocation).toBe('US');
    });
  });

  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const decisionOf = async (callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId, 1, 60_000))[0]!.json!;
  const ordinaryCall = (callId: string) => callStarted({ tenantId: tenant, callId, callType: 'user_out', userId: 'bob', to: '+14255550123' });

  it('dead-letters every hostile kind in every service and still admits the next ordinary call', async () => {
    await kafka.publish(Topics.CallStarted, [ordinaryCall('before')]);
    expect(await decisionOf('before')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan' });

    const hostile = hostileCallStarted(tenant);
    await kafka.publishRaw(
      Topics.CallStarted,
      hostile.map(({ value }) => ({ key: tenant, value })),
    );
    await kafka.publish(Topics.CallStarted, [ordinaryCall('after')]);

    expect(await decisionOf('after')).toMatchObject({ type: 'CallAdmitted', funding: 'calling-plan' });
    // Each consumer group dead-letters each hostile message once, with the reason of its kind, in order.
    const letters = await dead.waitFor(() => true, hostile.length * serviceNames.length, 60_000);
    for (const name of serviceNames) {
      const mine = letters.filter((m) => m.headers[DeadLetterHeaders.Consumer] === readerOf(system.prefix, name, Topics.CallStarted));
      expect({ name, reasons: mine.map((m) => m.headers[DeadLetterHeaders.Reason]) }).toEqual({ name, reasons: hostile.map((h) => h.reason) });
    }
    for (const name of serviceNames) {
      const ready = await http('GET', `${system.url(name)}/health/ready`);
      expect({ name, status: ready.status }).toEqual({ name, status: 200 });
    }
  });
});
