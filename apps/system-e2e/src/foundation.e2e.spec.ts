import { DeadLetterHeaders, Topics, deadLetterTopicOf } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { Client } from 'pg';
import { TestSystem, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, callEnded, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
// The five services with a call log (reporting keeps a usage report instead).
import { callLogServices as allServices, callLogServiceNames as serviceNames, readerOf } from './all-services';

interface CallEntry {
  callId: string;
  callType: string | null;
  to: string;
  durationSeconds: number | null;
}

describe('the five services on the real broker', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  const tenant = uniqueTenant('contoso');

  beforeAll(async () => {
    system = await startTestSystem(allServices);
    kafka = new TestKafka(undefined, system.prefix);
  });

  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  it('answers GET /health with the database and the broker up, and serves OpenAPI at /docs', async () => {
    for (const name of serviceNames) {
      const health = await system.get<{ status: string; details: Record<string, { status: string }> }>(name, '/health');
      expect(health).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, kafka: { status: 'up' } } });
      const docs = await fetch(`${system.url(name)}/docs`);
      expect(docs.status).toBe(200);
    }
  });

  it('records a started and ended call in every service read model', async () => {
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'c-1', to: '+33142685300' })]);
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'c-1', durationSeconds: 3600 })]);

    for (const name of serviceNames) {
      const call = await eventually(async () => {
        const entry = await system.get<CallEntry>(name, `/tenants/${tenant}/calls/c-1`);
        // Start and end may come through different consumer groups (see readerOf): wait for both.
        if (entry.durationSeconds === null || entry.callType === null) throw new Error(`${name} has not seen the start and the end yet`);
        return entry;
      });
      expect(call).toMatchObject({ callId: 'c-1', callType: 'conf_out', to: '+33142685300', durationSeconds: 3600 });
    }
  });

  it('dead-letters malformed events with the error in headers and goes on with the next good one', async () => {
    const startedDlt = await kafka.collect(deadLetterTopicOf(Topics.CallStarted));
    const endedDlt = await kafka.collect(deadLetterTopicOf(Topics.CallEnded));

    await kafka.publish(Topics.CallStarted, ['{"this is": not json'], tenant);
    const missingCallId = callStarted({ tenantId: tenant, callId: 'x' }) as unknown as Record<string, unknown>;
    delete missingCallId['callId'];
    await kafka.publish(Topics.CallStarted, [missingCallId]);
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'c-2', durationSeconds: -1 })]);
    // The next good events, on the same partitions (same key).
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'c-2', callType: 'user_out', to: '+442079460000' })]);
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'c-2', durationSeconds: 61 })]);

    // Each of the five consumer groups dead-letters each bad message once.
    const badJson = await startedDlt.waitFor((m) => m.headers[DeadLetterHeaders.Reason] === 'INVALID_JSON', 5);
    expect(badJson[0]!.value).toBe('{"this is": not json');
    expect(badJson[0]!.headers[DeadLetterHeaders.OriginalTopic]).toBe(`${system.prefix}${Topics.CallStarted}`);
    // Named by the group that read it: a service's main group, or its bookkeeping group where it only logs the topic.
    expect(new Set(badJson.map((m) => m.headers[DeadLetterHeaders.Consumer]))).toEqual(
      new Set(serviceNames.map((n) => readerOf(system.prefix, n, Topics.CallStarted))),
    );

    const noCallId = await startedDlt.waitFor((m) => m.headers[DeadLetterHeaders.Reason] === 'SCHEMA_INVALID', 5);
    expect(noCallId[0]!.headers[DeadLetterHeaders.Error]).toContain('callId');

    const negative = await endedDlt.waitFor((m) => m.headers[DeadLetterHeaders.Reason] === 'SCHEMA_INVALID', 5);
    expect(negative[0]!.headers[DeadLetterHeaders.Error]).toContain('durationSeconds');
    expect(negative[0]!.json).toMatchObject({ callId: 'c-2', durationSeconds: -1 });

    for (const name of serviceNames) {
      const call = await eventually(async () => {
        const entry = await system.get<CallEntry>(name, `/tenants/${tenant}/calls/c-2`);
        if (entry.durationSeconds === null || entry.callType === null) throw new Error(`${name} has not seen the start and the end yet`);
        return entry;
      });
      expect(call).toMatchObject({ callType: 'user_out', durationSeconds: 61 });
    }
  });

  it('rebuilds every read model from the event store to exactly what the live projection built', async () => {
    for (const definition of allServices) {
      const before = await system.get<CallEntry[]>(definition.name, `/tenants/${tenant}/calls`);
      expect(before.length).toBeGreaterThanOrEqual(2);
      const settings = system.services[definition.name]!.config as unknown as Record<string, unknown>;
      // Damage the read model: the rebuild must restore it from the events alone.
      const db = new Client({ connectionString: String(settings['DATABASE_URL']) });
      await db.connect();
      await db.query(`UPDATE rm_call_log SET duration_seconds = 0, to_number = NULL WHERE tenant_id = $1`, [tenant]);
      await db.end();
      expect(await system.get<CallEntry[]>(definition.name, `/tenants/${tenant}/calls`)).not.toEqual(before);

      const result = await rebuildServiceProjections(definition, settings);
      expect(result.events).toBeGreaterThanOrEqual(4);
      const after = await system.get<CallEntry[]>(definition.name, `/tenants/${tenant}/calls`);
      expect(after).toEqual(before);
    }
  });
});
