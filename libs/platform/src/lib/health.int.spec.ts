import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Logger, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeadLetterHeaders, Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000, VersionConflictError } from '@comms-credits/event-store';
import { KafkaBatchContext, KafkaPublisher } from '@comms-credits/messaging';
import { TestKafka, callEnded, eventually, requiredEnv } from '@comms-credits/testing';
import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevKeySet } from './auth';
import { RunningService, startService } from './bootstrap';
import { ServiceDefinition } from './service-definition';

const seen: string[] = [];

/** Calls whose handling fails a few times first, and how. */
const FLAKY: Record<string, { times: number; error: () => Error }> = {
  // More than maxAttempts (3) for an ordinary failure, fewer than maxConflictAttempts (10).
  'conflicts-4-times': { times: 4, error: () => new VersionConflictError(['call:contoso:conflicts-4-times'], '1') },
  // PostgreSQL's admin_shutdown: an outage, retried for as long as it lasts.
  'database-restarts': { times: 4, error: () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) },
};
const failures = new Map<string, number>();

@Controller()
class EndedConsumer {
  @EventPattern(Topics.CallEnded)
  onEnded(@Payload() event: { callId: string }, @Ctx() _ctx: KafkaBatchContext): void {
    const flaky = FLAKY[event.callId];
    const failed = failures.get(event.callId) ?? 0;
    if (flaky && failed < flaky.times) {
      failures.set(event.callId, failed + 1);
      throw flaky.error();
    }
    seen.push(event.callId);
  }
}

@Module({ controllers: [EndedConsumer] })
class ProbeModule {}

const probe: ServiceDefinition = {
  name: 'probe',
  title: 'Probe',
  description: 'A service with one consumer, for the health checks',
  defaultPort: 0,
  module: ProbeModule,
  migrations: [EventStore1764000000000],
  projections: [],
  consumes: { [Topics.CallEnded]: telephonySchemas() },
  route: () => null,
};

describe('health: liveness and readiness', () => {
  let service: RunningService;
  let kafka: TestKafka;
  let prefix: string;
  let database: string;
  const server = () => requiredEnv('TEST_POSTGRES_URL');

  beforeAll(async () => {
    prefix = `t${randomUUID().slice(0, 8)}.`;
    database = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}_probe`;
    kafka = new TestKafka(undefined, prefix);
    const keys = await ensureDevKeySet(mkdtempSync(path.join(tmpdir(), 'health-auth-')));
    service = await startService(probe, {
      AUTH_JWKS_FILE: keys.jwksFile, // health is public, but no service starts without access control
      PORT: 0,
      DATABASE_URL: `${server()}/${database}`,
      KAFKA_BROKERS: requiredEnv('TEST_KAFKA_BROKERS'),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `${prefix}probe`,
      KAFKA_TOPIC_PARTITIONS: 1,
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await service?.app.close();
    await kafka.close();
    const client = new Client({ connectionString: `${server()}/postgres` });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  interface HealthBody {
    status: string;
    info?: Record<string, unknown>;
    error?: Record<string, { status: string; message?: string }>;
    failed?: string[];
  }

  async function get(path: string): Promise<{ status: number; body: HealthBody }> {
    const response = await fetch(service.url + path);
    return { status: response.status, body: (await response.json()) as HealthBody };
  }

  it('answers live, and ready with every check named', async () => {
    expect(await get('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await eventually(async () => {
      const answer = await get('/health/ready');
      if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
      return answer;
    });
    expect(Object.keys(ready.body.info ?? {})).toEqual(expect.arrayContaining(['database', 'kafka', `consumer:${prefix}probe`, 'relay:outbox']));
    expect((await get('/health')).status).toBe(200);
  });

  it('is not ready while its consumer is crashed, and ready again once it has restarted', async () => {
    const dlt = await kafka.collect(`${Topics.CallEnded}.dlt`);
    // The fault: dead-lettering fails twice (with and without the original headers) with a
    // TypeError, a bug kafkajs deems unrecoverable: it crashes the consumer for good
    // (restart=false), as the RangeError of the 5,000-level message did.
    const publisher = service.app.get(KafkaPublisher);
    const bug = () => new TypeError("Cannot read properties of undefined (reading 'send')");
    const publish = jest.spyOn(publisher, 'publish').mockRejectedValueOnce(bug()).mockRejectedValueOnce(bug());
    await kafka.publishRaw(Topics.CallEnded, [{ key: 'contoso', value: '{"not": json' }]);

    const down = await eventually(
      async () => {
        const answer = await get('/health/ready');
        if (answer.status !== 503) throw new Error(`ready answered ${answer.status}`);
        return answer;
      },
      { intervalMs: 20, message: 'readiness did not turn 503' },
    );
    expect(down.body.failed).toEqual([`consumer:${prefix}probe`]);
    expect(down.body.error?.[`consumer:${prefix}probe`]).toMatchObject({ status: 'down', message: expect.stringContaining('crashed') });
    expect((await get('/health')).status).toBe(503);
    expect((await get('/health/live')).status).toBe(200);

    // Restarted with back-off: the redelivered message is dead-lettered this time and the next one is consumed.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: 'contoso', callId: 'after-crash', durationSeconds: 1 })]);
    await eventually(
      async () => {
        const answer = await get('/health/ready');
        if (answer.status !== 200) throw new Error(JSON.stringify(answer.body.error));
      },
      { message: 'readiness did not come back' },
    );
    const [dead] = await dlt.waitFor(() => true);
    expect(dead!.headers[DeadLetterHeaders.Reason]).toBe('INVALID_JSON');
    await eventually(() => expect(seen).toContain('after-crash'));
    expect(publish.mock.calls.length).toBeGreaterThanOrEqual(3);
    publish.mockRestore();
  });

  it("retries a handler's version conflict and a database outage until they pass, without dead letters or error logs", async () => {
    const dlt = await kafka.collect(`${Topics.CallEnded}.dlt`);
    const errors = jest.spyOn(Logger.prototype, 'error');
    await kafka.publish(Topics.CallEnded, [
      // The outage first: its back-off grows with the chunk's attempts (200 ms … 1.6 s).
      callEnded({ tenantId: 'contoso', callId: 'database-restarts', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'conflicts-4-times', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'after-the-flaky-ones', durationSeconds: 1 }),
    ]);
    await eventually(() => expect(seen).toEqual(expect.arrayContaining(['conflicts-4-times', 'database-restarts', 'after-the-flaky-ones'])), {
      timeoutMs: 30_000,
    });
    expect(failures.get('conflicts-4-times')).toBe(4);
    expect(failures.get('database-restarts')).toBe(4);
    const flakyIds = Object.keys(FLAKY);
    expect(dlt.messages.filter((m) => flakyIds.includes((m.json as { callId?: string } | undefined)?.callId ?? ''))).toEqual([]);
    // Nest's RpcExceptionsHandler used to log each failed try at ERROR (and hide the error).
    const contexts = errors.mock.contexts.map((logger) => (logger as unknown as { context?: string }).context);
    expect(contexts).not.toContain('RpcExceptionsHandler');
    expect(errors.mock.calls.flat().map((arg) => JSON.stringify(arg))).not.toContainEqual(expect.stringContaining('dead-lettering'));
    errors.mockRestore();
  });

  it('serves Prometheus metrics without a token: consumer, dead letters, lag, outbox, HTTP, process', async () => {
    await get('/health/ready');
    const text = await eventually(async () => {
      const response = await fetch(`${service.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const body = await response.text();
      // The previous test's messages: processed, one dead letter, and nothing left to read.
      expect(body).toMatch(/^kafka_messages_processed_total\{[^}]*topic="telephony.call-ended"[^}]*\} [1-9]/m);
      expect(body).toMatch(/^kafka_messages_dead_lettered_total\{[^}]*reason="INVALID_JSON"[^}]*\} 1$/m);
      expect(body).toMatch(/^kafka_consumer_lag_messages\{[^}]*topic="telephony.call-ended"[^}]*partition="0"[^}]*\} 0$/m);
      return body;
    });
    expect(text).toMatch(/^kafka_consumer_batch_duration_seconds_count\{/m);
    expect(text).toMatch(/^outbox_backlog_events\{service="probe"\} 0$/m);
    expect(text).toMatch(/^http_requests_total\{[^}]*route="\/health\/ready"[^}]*\} [1-9]/m);
    expect(text).toContain('# TYPE admission_decision_latency_seconds histogram');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
