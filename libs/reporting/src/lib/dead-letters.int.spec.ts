import { DeadLetterSummary, Topics } from '@comms-credits/contracts';
import { ANONYMOUS, TestSystem, asRole, http, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { reportingService } from './reporting.service';

type Letter = DeadLetterSummary;
type Page = { items: Letter[]; nextCursor: string | null };

describe('reporting: dead letters over HTTP (operators)', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let base: string;

  beforeAll(async () => {
    system = await startTestSystem([reportingService]);
    kafka = new TestKafka(undefined, system.prefix);
    base = system.url('reporting');
  }, 300_000);
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  it('lists a hostile message, shows it, replays a fixed version that is consumed, and records who replayed it', async () => {
    const tenant = uniqueTenant();
    // Hostile: 5,000 levels of nesting (dead-lettered before parsing), and a CallStarted without `to`.
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const broken = { ...callStarted({ tenantId: tenant, callId: 'broken' }), to: undefined };
    await kafka.publishRaw(Topics.CallStarted, [
      { key: tenant, value: nested, headers: { 'trace-id': 'hostile' } },
      { key: tenant, value: JSON.stringify(broken) },
    ]);

    const listed = await eventually(
      async () => {
        const { status, body } = await http<Page>('GET', `${base}/dead-letters?topic=${Topics.CallStarted}`);
        expect(status).toBe(200);
        const mine = body.items.filter((l) => l.key === tenant);
        expect(mine).toHaveLength(2);
        return mine;
      },
      { timeoutMs: 60_000 },
    );
    const [deep, invalid] = listed.sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(deep).toMatchObject({
      topic: `${Topics.CallStarted}.dlt`,
      reason: 'NESTING_TOO_DEEP',
      originalTopic: `${system.prefix}${Topics.CallStarted}`,
      consumer: `${system.prefix}reporting`,
      tenantId: tenant,
      payloadBytes: 10_000,
      payloadTruncated: true,
    });
    expect(deep!.payloadPreview).toBe(`${'['.repeat(200)}…`);
    expect(deep!.failedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(invalid).toMatchObject({ reason: 'SCHEMA_INVALID', tenantId: tenant });
    expect(invalid!.payloadPreview).toMatch(/^{"eventId":/);
    expect(invalid!.error).toContain('to');

    // One place in full.
    const shown = await http<Letter & { headers: Record<string, string>; payload: unknown }>(
      'GET',
      `${base}/dead-letters/${Topics.CallStarted}/${invalid!.partition}/${invalid!.offset}`,
    );
    expect(shown.status).toBe(200);
    expect(shown.body.payload).toMatchObject({ callId: 'broken', tenantId: tenant });
    expect(shown.body.headers['dlt-reason']).toBe('SCHEMA_INVALID');
    expect((await http('GET', `${base}/dead-letters/${Topics.CallStarted}/${invalid!.partition}/999999`)).status).toBe(404);
    expect((await http('GET', `${base}/dead-letters/no-such-topic/0/1`)).status).toBe(400);

    // Paging: one at a time, the cursor moves on.
    const first = await http<Page>('GET', `${base}/dead-letters?topic=${Topics.CallStarted}&limit=1`);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await http<Page>('GET', `${base}/dead-letters?topic=${Topics.CallStarted}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(`${second.body.items[0]!.partition}/${second.body.items[0]!.offset}`).not.toBe(`${first.body.items[0]!.partition}/${first.body.items[0]!.offset}`);
    expect((await http('GET', `${base}/dead-letters?cursor=garbage!`)).status).toBe(400);

    // Replay the broken call with a fixed payload: reporting consumes it and the call has its row.
    const fixed = callStarted({ tenantId: tenant, callId: 'broken', to: '+12065550100', occurredAt: '2026-11-24T10:00:00.000Z' });
    const replayed = await http<{
      replayedTo: { topic: string; partition: number; offset: string };
      withFixedPayload: boolean;
      tenantId: string;
      eventId: string;
    }>('POST', `${base}/dead-letters/${Topics.CallStarted}.dlt/${invalid!.partition}/${invalid!.offset}/replay`, { payload: fixed });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ withFixedPayload: true, tenantId: tenant, replayedTo: { topic: Topics.CallStarted } });
    await eventually(
      async () => {
        const usage = await http<{ items: { callId: string; toNumber: string }[] }>('GET', `${base}/tenants/${tenant}/usage?from=2026-11-01&to=2026-12-01`);
        expect(usage.body.items).toEqual([expect.objectContaining({ callId: 'broken', toNumber: '+12065550100' })]);
      },
      { timeoutMs: 60_000 },
    );

    // The replay is in the tenant's audit with the operator who did it.
    const audit = await http<{ items: { actor: { sub: string }; eventType: string; streamId: string }[] }>('GET', `${base}/tenants/${tenant}/audit`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        eventType: 'DeadLetterReplayed',
        actor: expect.objectContaining({ sub: 'test-operator' }),
        streamId: `dead-letter:${Topics.CallStarted}.dlt/${invalid!.partition}/${invalid!.offset}`,
      }),
    ]);

    // A replay of what is not there, and a payload larger than a message may be.
    expect((await http('POST', `${base}/dead-letters/${Topics.CallStarted}/${invalid!.partition}/999999/replay`)).status).toBe(404);
    expect(
      (await http('POST', `${base}/dead-letters/${Topics.CallStarted}/${invalid!.partition}/${invalid!.offset}/replay`, { payload: 'x'.repeat(70_000) }))
        .status,
    ).toBe(413);
  }, 180_000);

  it('is for operators only', async () => {
    const tenant = uniqueTenant();
    const paths: ['GET' | 'POST', string][] = [
      ['GET', '/dead-letters'],
      ['GET', `/dead-letters/${Topics.CallStarted}/0/0`],
      ['POST', `/dead-letters/${Topics.CallStarted}/0/0/replay`],
    ];
    for (const [method, path] of paths) {
      for (const role of ['tenant-admin', 'tenant-reader'] as const) {
        const { status, body } = await http(method, base + path, undefined, await asRole({ roles: [role], tenant }));
        expect({ path, role, status, code: body['code'] }).toEqual({ path, role, status: 403, code: 'AUTH.FORBIDDEN' });
      }
      expect((await http(method, base + path, undefined, ANONYMOUS)).status).toBe(401);
    }
  });
});
