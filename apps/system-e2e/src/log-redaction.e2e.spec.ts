import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Topics } from '@comms-credits/contracts';
import { RunningService, startService } from '@comms-credits/platform';
import { bearer, http, testKeySet, testToken } from '@comms-credits/service-testing';
import { TestKafka, callEnded, callStarted, eventually, requiredEnv, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { Client } from 'pg';
import { allServices, readerOf } from './all-services';

/**
 * design.md "Access", safe logs: the five services at debug level, their pino output captured;
 * requests and messages carry planted secrets (bearer tokens good and forged, a payment token,
 * a card number, an idempotency key, phone numbers in URLs, bodies, and calls on Kafka, valid
 * and dead-lettered); no log line may contain any of them.
 */
describe('safe logs: no planted secret in a full system run', () => {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const prefix = `t${id}.`;
  const server = () => requiredEnv('TEST_POSTGRES_URL');
  const databases: string[] = [];
  const services: Record<string, RunningService> = {};
  const lines: string[] = [];
  let kafka: TestKafka;

  const tenant = uniqueTenant('redact');
  const digits = () => String(Math.floor(1_000 + Math.random() * 8_999));
  const secrets = {
    // Letters only: a provider token holding 13 digits in a row would be refused as card-like
    // (checkPaymentToken), and random hex holds such a run about once in 56 draws.
    paymentToken: `tok_planted_${randomUUID()
      .replace(/-/g, '')
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!)}`,
    cardNumber: `4111 1111 ${digits()} ${digits()}`,
    idempotencyKey: `idem-planted-${randomUUID()}`,
    forgedToken: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.${randomUUID().replace(/-/g, '')}`,
    callerNumber: `+1425${digits()}${digits().slice(0, 3)}`,
    calledNumber: `+3314${digits()}${digits()}`,
    tollFreeInUrl: `+1800${digits()}${digits().slice(0, 3)}`,
    numberInBody: `+4420${digits()}${digits()}`,
  };
  let operatorToken = '';
  const headers = () => bearer(operatorToken);

  beforeAll(async () => {
    const keys = await testKeySet();
    operatorToken = await testToken({ roles: ['operator'], sub: 'redaction-operator', ttlSeconds: 1800 });
    const stream = new PassThrough();
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    // The topics first, so that the services can start together (none has any to create).
    kafka = new TestKafka(undefined, prefix);
    await kafka.createTopics(Object.values(Topics));
    await Promise.all(
      allServices.map(async (definition) => {
        const database = `t_${id}_${definition.name.replace(/-/g, '_')}`;
        databases.push(database);
        services[definition.name] = await startService(
          definition,
          {
            PORT: 0,
            DATABASE_URL: `${server()}/${database}`,
            KAFKA_BROKERS: requiredEnv('TEST_KAFKA_BROKERS'),
            KAFKA_TOPIC_PREFIX: prefix,
            KAFKA_GROUP_ID: `${prefix}${definition.name}`,
            KAFKA_TOPIC_PARTITIONS: 2,
            LOG_LEVEL: 'debug',
            AUTH_JWKS_FILE: keys.jwksFile,
          },
          { logStream: stream },
        );
      }),
    );
  }, 300_000);

  afterAll(async () => {
    await kafka?.close();
    await Promise.all(Object.values(services).map((s) => s.app.close()));
    const client = new Client({ connectionString: `${server()}/postgres` });
    await client.connect();
    try {
      for (const database of databases) await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });

  const url = (name: string, path: string) => services[name]!.url + path;

  it('logs requests, refusals and dead letters without a token, payment token, card number, key or phone number', async () => {
    // HTTP: a payment token stored, a card number refused, funds with an idempotency key.
    expect((await http('PUT', url('credit-wallet', `/tenants/${tenant}/wallet/payment-method`), { token: secrets.paymentToken }, headers())).status).toBe(200);
    expect((await http('PUT', url('credit-wallet', `/tenants/${tenant}/wallet/payment-method`), { token: secrets.cardNumber }, headers())).status).toBe(400);
    const funded = await http(
      'POST',
      url('credit-wallet', `/tenants/${tenant}/wallet/funds`),
      { amount: '25.00', currency: 'USD' },
      { ...headers(), 'Idempotency-Key': secrets.idempotencyKey },
    );
    expect(funded.status).toBeLessThan(300);
    // A phone number in a URL (404: not the tenant's), in a refused body, in broken JSON.
    expect(
      (await http('GET', url('toll-free', `/tenants/${tenant}/toll-free-numbers/${encodeURIComponent(secrets.tollFreeInUrl)}`), undefined, headers())).status,
    ).toBe(404);
    expect(
      (
        await http(
          'GET',
          url('toll-free', `/tenants/${tenant}/toll-free-numbers/${secrets.tollFreeInUrl}?number=${secrets.tollFreeInUrl}`),
          undefined,
          headers(),
        )
      ).status,
    ).toBe(400);
    expect((await http('POST', url('toll-free', `/tenants/${tenant}/toll-free-numbers`), { country: secrets.numberInBody }, headers())).status).toBe(400);
    const broken = await fetch(url('licensing', `/tenants/${tenant}/users/alice`), {
      method: 'PUT',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: `{"usageLocation": "US", "phone": "${secrets.numberInBody}"`,
    });
    expect(broken.status).toBe(400);
    // A forged token and a good one where it is not allowed.
    expect((await http('GET', url('pool-ledger', `/tenants/${tenant}/pool`), undefined, bearer(secrets.forgedToken))).status).toBe(401);
    expect(
      (
        await http(
          'PUT',
          url('licensing', `/tenants/${tenant}/users/bob`),
          { usageLocation: 'US' },
          bearer(await testToken({ roles: ['tenant-reader'], tenant })),
        )
      ).status,
    ).toBe(403);

    // Kafka: a call with its numbers through every stage, and one dead-lettered for its schema.
    await kafka.publish(Topics.CallStarted, [
      callStarted({ tenantId: tenant, callId: 'planted', userId: 'alice', from: secrets.callerNumber, to: secrets.calledNumber }),
      { ...callStarted({ tenantId: tenant, callId: 'bad', from: secrets.callerNumber, to: secrets.calledNumber }), version: 'one' },
    ]);
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'planted', durationSeconds: 30 })]);
    await kafka.publish(Topics.CreditWalletEvents, [serviceEvent('NotAnEvent', tenant, { to: secrets.calledNumber, token: secrets.paymentToken })]);
    for (const name of Object.keys(services)) {
      await kafka.waitUntilCaughtUp(readerOf(prefix, name, Topics.CallStarted), Topics.CallStarted);
      await kafka.waitUntilCaughtUp(readerOf(prefix, name, Topics.CallEnded), Topics.CallEnded);
    }
    await kafka.waitUntilCaughtUp(readerOf(prefix, 'toll-free', Topics.CreditWalletEvents), Topics.CreditWalletEvents);
    expect(await kafka.messageCount(`${Topics.CallStarted}.dlt`)).toBeGreaterThanOrEqual(1);

    // The capture works: request lines, refusals and the dead letter are in it (waited for: pino
    // writes its last lines through the stream asynchronously).
    await eventually(() => {
      const captured = lines.join('\n');
      expect(captured).toContain('"statusCode":404');
      expect(captured).toContain('"statusCode":401');
      expect(captured).toContain('dead-lettering message');
    });
    expect(lines.length).toBeGreaterThan(20);
    const log = lines.join('\n');
    // and the request line of the number in the URL, masked to its last four digits.
    expect(log).toContain(`/toll-free-numbers/+*******${secrets.tollFreeInUrl.slice(-4)}`);

    const planted = [
      operatorToken,
      operatorToken.split('.')[2]!, // the signature alone
      secrets.forgedToken,
      secrets.forgedToken.split('.')[2]!,
      secrets.paymentToken,
      secrets.cardNumber,
      secrets.cardNumber.replace(/\s/g, ''),
      secrets.idempotencyKey,
      ...[secrets.callerNumber, secrets.calledNumber, secrets.tollFreeInUrl, secrets.numberInBody].flatMap((n) => [n, n.slice(1), encodeURIComponent(n)]),
    ];
    const leaks = planted.flatMap((secret) => lines.filter((line) => line.includes(secret)).map((line) => `${secret}: ${line.slice(0, 400)}`));
    expect(leaks).toEqual([]);
  }, 180_000);
});
