import { randomUUID } from 'node:crypto';
import { DeadLetterHeaders, Topics, telephonySchemas } from '@comms-credits/contracts';
import {
  BEGINNING,
  EventStore,
  EventStore1764000000000,
  SqlClient,
  Transactions,
  VersionConflictError,
  advanceCheckpoint,
  readCheckpoint,
} from '@comms-credits/event-store';
import { TestDatabase, TestKafka, callEnded, callStarted, createTestDatabase, eventually, hostileCallEnded, requiredEnv } from '@comms-credits/testing';
import { KafkaBatchConsumer } from './batch-consumer';
import { inboxApplier } from './inbox-applier';
import { createKafka } from './kafka-client';
import { CommitNudgingTransactions, OutboxRelay } from './outbox-relay';
import { KafkaPublisher, MessagePublisher, OutgoingMessage } from './publisher';
import { startWorker } from './test-support/worker-process';
import { Client as PgClient } from 'pg';

class Effects1764000000901 {
  name = 'Effects1764000000901';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    // Deliberately no unique constraint: a double effect must show up as a second row.
    await runner.query(`CREATE TABLE effects (id bigserial PRIMARY KEY, event_id text NOT NULL, call_id text NOT NULL, amount int NOT NULL)`);
  }
  async down(): Promise<void> {
    throw new Error('forward-only');
  }
}

const topic = Topics.CallEnded;

describe('exactly-once effects over at-least-once Kafka', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let prefix: string;
  const brokers = () => requiredEnv('TEST_KAFKA_BROKERS');

  beforeEach(async () => {
    db = await createTestDatabase([EventStore1764000000000, Effects1764000000901], 'msg');
    prefix = `t${randomUUID().slice(0, 8)}.`;
    kafka = new TestKafka(undefined, prefix);
    await kafka.createTopics([topic]);
  });

  afterEach(async () => {
    await kafka.close();
    await db.drop();
  });

  async function effects(): Promise<{ rows: number; distinct: number; total: number }> {
    const [row] = await db.dataSource.query(
      `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct, COALESCE(sum(amount), 0)::int AS total FROM effects`,
    );
    return row;
  }

  function inProcessConsumer(groupId: string, onApply?: (callIds: string[]) => void) {
    const client = createKafka({ brokers: brokers().split(','), clientId: groupId });
    const publisher = new KafkaPublisher(client, prefix);
    const transactions = new Transactions(db.dataSource);
    const consumer = new KafkaBatchConsumer(client, {
      groupId,
      topics: { [topic]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      retryBackoffMs: 10,
      apply: inboxApplier(transactions, groupId, async (sql, fresh) => {
        onApply?.(fresh.map((m) => (m.event as unknown as { callId: string }).callId));
        await sql.query(`INSERT INTO effects (event_id, call_id, amount) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`, [
          fresh.map((m) => m.event.eventId),
          fresh.map((m) => (m.event as unknown as { callId: string }).callId),
          fresh.map((m) => (m.event as unknown as { durationSeconds: number }).durationSeconds),
        ]);
      }),
    });
    return { consumer, stop: async () => (await consumer.stop(), await publisher.disconnect()) };
  }

  it('has one effect for an event delivered three times', async () => {
    const events = Array.from({ length: 30 }, (_, i) => callEnded({ tenantId: `t${i % 3}`, callId: `c${i}`, durationSeconds: i + 1 }));
    await kafka.publish(topic, events.slice(0, 20));
    await kafka.publish(topic, events); // the first 20 a second time
    await kafka.publish(topic, [...events].reverse()); // all a third time, out of order
    const groupId = `${prefix}dedupe`;
    const { consumer, stop } = inProcessConsumer(groupId);
    await consumer.start();
    try {
      await kafka.waitUntilCaughtUp(groupId, topic);
      expect(await effects()).toEqual({ rows: 30, distinct: 30, total: (30 * 31) / 2 });
    } finally {
      await stop();
    }
  });

  it('has no double effect when killed after its database commit but before its offset commit', async () => {
    const events = Array.from({ length: 40 }, (_, i) => callEnded({ tenantId: 'contoso', callId: `c${i}`, durationSeconds: 1 }));
    await kafka.publish(topic, events);
    const env = {
      BROKERS: brokers(),
      TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      GROUP_ID: `${prefix}crashy`,
      MODE: 'consume',
      BATCH: '10',
      SESSION_TIMEOUT_MS: '6000',
    };

    const crashing = startWorker({ ...env, CRASH_AFTER: '1' });
    expect(await crashing.exited).toBe('SIGKILL');
    const afterCrash = await effects();
    expect(afterCrash.rows).toBeGreaterThan(0); // the first chunk was committed to the database…
    expect(afterCrash.rows).toBeLessThan(40);

    const restarted = startWorker(env); // …and is redelivered to the restarted consumer
    try {
      await kafka.waitUntilCaughtUp(env.GROUP_ID, topic);
      expect(await effects()).toEqual({ rows: 40, distinct: 40, total: 40 });
    } finally {
      restarted.process.kill('SIGTERM');
      await restarted.exited;
    }
  });

  it('relays from the event store without losing or doubling an effect when the relay is killed mid-way', async () => {
    const store = new EventStore();
    const transactions = new Transactions(db.dataSource);
    await transactions.run((sql) =>
      store.append(
        sql,
        Array.from({ length: 30 }, (_, i) => ({
          streamId: `call:contoso:r${i}`,
          streamType: 'call',
          tenantId: 'contoso',
          expectedVersion: 'no_stream' as const,
          events: [{ type: 'CallEnded', data: { callId: `r${i}`, durationSeconds: 2 } }],
        })),
      ),
    );
    const env = { BROKERS: brokers(), TOPIC_PREFIX: prefix, DATABASE_URL: db.url, MODE: 'relay', BATCH: '10' };

    const crashing = startWorker({ ...env, CRASH_AFTER: '1' });
    expect(await crashing.exited).toBe('SIGKILL');
    expect(await kafka.messageCount(topic)).toBe(10); // published, checkpoint not stored

    const resumed = startWorker(env);
    expect(await resumed.exited).toBe(0);
    expect(resumed.output()).toContain('relayed 30'); // the crashed batch again, then the rest
    expect(await kafka.messageCount(topic)).toBe(40);

    const groupId = `${prefix}after-relay`;
    const { consumer, stop } = inProcessConsumer(groupId);
    await consumer.start();
    try {
      await kafka.waitUntilCaughtUp(groupId, topic);
      expect(await effects()).toEqual({ rows: 30, distinct: 30, total: 60 });
    } finally {
      await stop();
    }
  });

  it('dead-letters a poison message after bounded retries while the messages after it are processed', async () => {
    const dlt = await kafka.collect(`${topic}.dlt`);
    const seen: string[] = [];
    const groupId = `${prefix}poison`;
    const { consumer, stop } = inProcessConsumer(groupId, (callIds) => {
      seen.push(...callIds);
      if (callIds.includes('poison')) throw new Error('cannot settle call poison');
    });
    await kafka.publish(topic, [
      callEnded({ tenantId: 'contoso', callId: 'before', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'poison', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'after', durationSeconds: 1 }),
    ]);
    await consumer.start();
    try {
      const [dead] = await dlt.waitFor(() => true);
      expect(dead!.json).toMatchObject({ callId: 'poison' });
      expect(dead!.headers).toMatchObject({
        [DeadLetterHeaders.Reason]: 'PROCESSING_FAILED',
        [DeadLetterHeaders.Error]: 'Error: cannot settle call poison',
        [DeadLetterHeaders.Attempts]: '3',
        [DeadLetterHeaders.Consumer]: groupId,
        [DeadLetterHeaders.OriginalTopic]: `${prefix}${topic}`,
        [DeadLetterHeaders.OriginalPartition]: expect.stringMatching(/^\d+$/),
        [DeadLetterHeaders.OriginalOffset]: expect.stringMatching(/^\d+$/),
      });
      await kafka.waitUntilCaughtUp(groupId, topic);
      const rows = await db.dataSource.query(`SELECT call_id FROM effects ORDER BY id`);
      expect(rows.map((r: { call_id: string }) => r.call_id)).toEqual(['before', 'after']);
      // The poison message was tried alone exactly three times.
      expect(seen.filter((id) => id === 'poison').length).toBeGreaterThanOrEqual(3);
      await eventually(async () => expect(dlt.messages).toHaveLength(1));
    } finally {
      await stop();
    }
  });

  it('dead-letters every kind of hostile message with its reason and goes on with the next valid one', async () => {
    const dlt = await kafka.collect(`${topic}.dlt`);
    const groupId = `${prefix}hostile`;
    const { consumer, stop } = inProcessConsumer(groupId);
    const hostile = hostileCallEnded('contoso');
    // One key, so all of them and the valid message after them share one partition, in order.
    for (const { value } of hostile) await kafka.publishRaw(topic, [{ key: 'contoso', value }]);
    await kafka.publish(topic, [callEnded({ tenantId: 'contoso', callId: 'after-hostile', durationSeconds: 7 })]);
    await consumer.start();
    try {
      await kafka.waitUntilCaughtUp(groupId, topic);
      const rows = await db.dataSource.query(`SELECT call_id, amount FROM effects`);
      expect(rows).toEqual([{ call_id: 'after-hostile', amount: 7 }]);
      const dead = await dlt.waitFor(() => true, hostile.length);
      expect(dead).toHaveLength(hostile.length);
      // In partition order: each one dead-lettered once, with the reason of its kind.
      expect(dead.map((m) => m.headers[DeadLetterHeaders.Reason])).toEqual(hostile.map((h) => h.reason));
      const offsets = dead.map((m) => Number(m.headers[DeadLetterHeaders.OriginalOffset]));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      for (const message of dead) {
        expect(message.key).toBe('contoso');
        expect(message.headers).toMatchObject({
          [DeadLetterHeaders.Error]: expect.any(String),
          [DeadLetterHeaders.OriginalTopic]: `${prefix}${topic}`,
          [DeadLetterHeaders.OriginalPartition]: expect.stringMatching(/^\d+$/),
          [DeadLetterHeaders.Consumer]: groupId,
        });
      }
      // The reported message arrives as it was sent, for replay after a fix.
      expect(dead[0]!.value).toBe(hostile[0]!.value!.toString());
      expect(consumer.state()).toEqual({ up: true });
    } finally {
      await stop();
    }
  });

  it('keeps consuming after the reported message: 30 KB nested 5,000 levels deep', async () => {
    const groupId = `${prefix}deep`;
    const { consumer, stop } = inProcessConsumer(groupId);
    const deep = hostileCallEnded('contoso').find((m) => m.kind === 'nested 5,000 levels deep')!;
    expect(deep.value!.length).toBeGreaterThan(30_000);
    await kafka.publishRaw(topic, [{ key: 'contoso', value: deep.value }]);
    await kafka.publish(topic, [callEnded({ tenantId: 'contoso', callId: 'after-deep', durationSeconds: 3 })]);
    await consumer.start();
    try {
      await kafka.waitUntilCaughtUp(groupId, topic, 20_000);
      expect(await db.dataSource.query(`SELECT call_id FROM effects`)).toEqual([{ call_id: 'after-deep' }]);
    } finally {
      await stop();
    }
  });

  it('fences a relay that lost its lock session: a standby takes over and the checkpoint never moves back', async () => {
    const store = new EventStore();
    const transactions = new Transactions(db.dataSource);
    const append = (from: number, count: number) =>
      transactions.run((sql) =>
        store.append(
          sql,
          Array.from({ length: count }, (_, i) => ({
            streamId: `call:contoso:f${from + i}`,
            streamType: 'call',
            tenantId: 'contoso',
            expectedVersion: 'no_stream' as const,
            events: [{ type: 'CallEnded', data: { callId: `f${from + i}`, durationSeconds: 1 } }],
          })),
        ),
      );
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}relay` });
    const publisher = new KafkaPublisher(client, prefix);
    // The leader's publish of its second batch hangs until the test lets it go.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let leaderPublishes = 0;
    const gated: MessagePublisher = {
      async publish(messages: OutgoingMessage[]) {
        leaderPublishes++;
        if (leaderPublishes === 2) await gate;
        await publisher.publish(messages);
      },
    };
    const options = { route: () => topic, idlePollMs: 20, standbyPollMs: 50 };
    // The deposed leader waits long before trying again, so the standby is the one to take over.
    const leader = new OutboxRelay(db.dataSource, gated, { ...options, restartBackoffMs: 120_000 });
    const standby = new OutboxRelay(db.dataSource, publisher, { ...options, restartBackoffMs: 50 });
    try {
      await append(0, 10);
      leader.start();
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(10));
      expect(leader.isLeader()).toBe(true);
      standby.start();
      await eventually(() => expect(standby.state()).toEqual({ up: true, detail: 'standby' }));
      const before = await transactions.run((sql) => readCheckpoint(sql, 'outbox'));

      await append(10, 10);
      await eventually(() => expect(leaderPublishes).toBe(2)); // read the batch, now stuck publishing it
      // The leader's lock session dies (a network cut, a failover, an operator).
      const [{ killed }] = await db.dataSource.query(
        `SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(killed).toBe(1);
      await eventually(() => expect(standby.isLeader()).toBe(true));
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(20));
      // Stored by the new leader's next read (its idle poll), one wake-up after its publish.
      const afterTakeover = await eventually(async () => {
        const checkpoint = await transactions.run((sql) => readCheckpoint(sql, 'outbox'));
        expect(BigInt(checkpoint.globalPosition)).toBeGreaterThan(BigInt(before.globalPosition));
        return checkpoint;
      });

      release(); // the deposed leader's publish goes out (a harmless repeat)…
      await eventually(() => expect(leader.state().up).toBe(false));
      expect(leader.isLeader()).toBe(false);
      await append(20, 5);
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(35)); // 25 + the 10 repeated
      expect(leaderPublishes).toBe(2); // …and it publishes nothing more
      // …nor takes the checkpoint back: nobody can.
      expect(await transactions.run((sql) => advanceCheckpoint(sql, 'outbox', BEGINNING))).toBe(false);
      await eventually(async () => {
        const final = await transactions.run((sql) => readCheckpoint(sql, 'outbox'));
        expect(BigInt(final.globalPosition)).toBeGreaterThan(BigInt(afterTakeover.globalPosition));
      });
    } finally {
      release();
      await Promise.all([leader.stop(), standby.stop()]);
      await publisher.disconnect();
    }
  });

  it('publishes as soon as a transaction that stored an event to publish commits, whoever committed it, not at the next poll; a wake-up never makes a standby lead', async () => {
    const store = new EventStore();
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}nudged` });
    const publisher = new KafkaPublisher(client, prefix);
    // Idle polls an hour apart: only a wake-up can make these publish within the test. The
    // relays get no in-process nudge: what wakes the leader is the notification PostgreSQL
    // delivers at the commit, as for a transaction of another instance.
    const route = (event: { type: string }) => (event.type === 'CallEnded' ? topic : null);
    const channel = `relay_${randomUUID().replace(/-/g, '')}`;
    let heldReads = 0;
    const onHeld = () => heldReads++;
    const options = { route, listen: channel, idlePollMs: 3_600_000, heldPollMs: 50, standbyPollMs: 3_600_000, onHeld };
    const leader = new OutboxRelay(db.dataSource, publisher, options);
    const standby = new OutboxRelay(db.dataSource, publisher, options);
    let nudges = 0;
    const transactions = new CommitNudgingTransactions(db.dataSource, {
      publishes: (event) => route(event) !== null,
      notify: channel,
      afterCommit: () => void nudges++,
    });
    const append =
      (from: number, count: number, type = 'CallEnded') =>
      (sql: Parameters<Parameters<Transactions['run']>[0]>[0]) =>
        store.append(
          sql,
          Array.from({ length: count }, (_, i) => ({
            streamId: `call:contoso:n${from + i}`,
            streamType: 'call',
            tenantId: 'contoso',
            expectedVersion: 'no_stream' as const,
            events: [{ type, data: { callId: `n${from + i}`, durationSeconds: 1 } }],
          })),
        );
    try {
      leader.start();
      await eventually(() => expect(leader.isLeader()).toBe(true));
      standby.start();
      await eventually(() => expect(standby.state()).toEqual({ up: true, detail: 'standby' }));

      // Reads, rolled-back appends and events kept inside the service nudge nobody.
      await transactions.run((sql) => sql.query(`SELECT count(*) FROM es_events`));
      await expect(
        transactions.run(async (sql) => {
          await append(100, 1)(sql);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await transactions.run(append(200, 2, 'CallObserved'));
      expect(nudges).toBe(0);

      await transactions.run(append(0, 5));
      expect(nudges).toBe(1);
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(5));
      await transactions.run(append(5, 3));
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(8));
      expect(nudges).toBe(2);
      // Still fenced by the lock: the standby was nudged too, and neither published twice.
      expect(standby.state()).toEqual({ up: true, detail: 'standby' });
      expect(standby.isLeader()).toBe(false);
      expect(await kafka.messageCount(topic)).toBe(8);

      // An event held back by an older transaction still in flight, one that publishes nothing
      // and so nudges nobody when it ends: the relay keeps polling while something is held, and
      // publishes it once the older one has ended, long before its hour-long idle poll.
      let release!: () => void;
      let opened!: () => void;
      const isOpen = new Promise<void>((resolve) => (opened = resolve));
      const older = transactions.run(async (sql) => {
        await append(300, 1, 'CallObserved')(sql); // takes an xid before the event below
        opened();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isOpen;
      await transactions.run(append(8, 1));
      expect(nudges).toBe(3);
      await eventually(() => expect(heldReads).toBeGreaterThan(1)); // read, found it held, polled again
      expect(await kafka.messageCount(topic)).toBe(8);
      release();
      await older;
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(9));
      expect(nudges).toBe(3);
    } finally {
      // Stopping ends an hour-long wait at once.
      await Promise.all([leader.stop(), standby.stop()]);
      await publisher.disconnect();
    }
  });

  it('a commit wakes the relay of its own process directly while it leads, and notifies the leader of another process otherwise', async () => {
    const store = new EventStore();
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}local` });
    const publisher = new KafkaPublisher(client, prefix);
    const notifications = watchStatements(/pg_notify/);
    const channel = `relay_${randomUUID().replace(/-/g, '')}`;
    // Idle polls an hour apart: only a wake-up can make these publish within the test.
    const options = { route: () => topic, listen: channel, idlePollMs: 3_600_000, heldPollMs: 20, standbyPollMs: 50, restartBackoffMs: 50 };
    const here = new OutboxRelay(db.dataSource, publisher, options);
    const elsewhere = new OutboxRelay(db.dataSource, publisher, options);
    const transactions = new CommitNudgingTransactions(db.dataSource, { publishes: () => true, notify: channel, local: here });
    const append = (i: number) => transactions.run((sql) => appendCallEnded(store, sql, `w${i}`));
    try {
      here.start();
      await eventually(() => expect(here.isLeader()).toBe(true));
      elsewhere.start();
      await eventually(() => expect(elsewhere.state()).toEqual({ up: true, detail: 'standby' }));

      await append(0);
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(1));
      expect(notifications.count()).toBe(0);

      // This process's relay stops leading; the other one takes over and only a notification can wake it.
      await here.stop();
      await eventually(() => expect(elsewhere.isLeader()).toBe(true));
      await append(1);
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(2));
      expect(notifications.count()).toBe(1);
    } finally {
      notifications.restore();
      await Promise.all([here.stop(), elsewhere.stop()]);
      await publisher.disconnect();
    }
  });

  it('stops at once when stopped in the middle of a publish, not after its next idle poll', async () => {
    const store = new EventStore();
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}stopping` });
    const publisher = new KafkaPublisher(client, prefix);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let publishing = false;
    const gated: MessagePublisher = {
      async publish(messages: OutgoingMessage[]) {
        publishing = true;
        await gate;
        await publisher.publish(messages);
      },
    };
    // An hour-long idle poll: a stop that waited for it would never end within the test.
    const relay = new OutboxRelay(db.dataSource, gated, { route: () => topic, idlePollMs: 3_600_000 });
    try {
      await new Transactions(db.dataSource).run((sql) => appendCallEnded(store, sql, 's1'));
      relay.start();
      await eventually(() => expect(publishing).toBe(true));
      let stopped = false;
      const stopping = relay.stop().then(() => (stopped = true));
      release();
      await eventually(() => expect(stopped).toBe(true), { timeoutMs: 10_000 });
      await stopping;
      expect(await kafka.messageCount(topic)).toBe(1); // what it was publishing went out
    } finally {
      release();
      await relay.stop();
      await publisher.disconnect();
    }
  });

  it('spends one statement per wake-up while it leads: a read that also says what is held, the checkpoint stored at most every interval and at stop', async () => {
    const store = new EventStore();
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}checkpoint` });
    const publisher = new KafkaPublisher(client, prefix);
    // Every statement the relay may send: its reads, checkpoint reads and writes, held probes.
    const relayStatements = watchStatements(/pg_current_snapshot|es_checkpoints|SELECT 1 FROM es_events/);
    const checkpointReads = watchStatements(/^\s*SELECT\b[\s\S]*\bFROM es_checkpoints\b/);
    const relay = new OutboxRelay(db.dataSource, publisher, { route: () => topic, idlePollMs: 3_600_000, heldPollMs: 20, checkpointIntervalMs: 3_600_000 });
    const transactions = new Transactions(db.dataSource);
    let ownReads = 0; // this test's own checkpoint reads, not the relay's
    const stored = () => (ownReads++, transactions.run((sql) => readCheckpoint(sql, 'outbox')));
    try {
      relay.start();
      await eventually(() => expect(relay.isLeader()).toBe(true));
      for (let i = 0; i < 5; i++) {
        await transactions.run((sql) => appendCallEnded(store, sql, `k${i}`));
        relay.nudge();
        await eventually(async () => expect(await kafka.messageCount(topic)).toBe(i + 1));
        // Not stored within the interval while events keep coming.
        expect((await stored()).globalPosition).toBe('0');
      }
      // The checkpoint read once at the lead, then one read per wake-up (the first one at the
      // lead, then one per nudge): no store and no held probe of their own.
      expect(checkpointReads.count() - ownReads).toBe(1);
      expect(relayStatements.count() - ownReads).toBe(1 + 1 + 5);
      await relay.stop();
      // Stopping stores where it stands: the next leader starts after what went out.
      const [{ last }] = (await db.dataSource.query(`SELECT max(global_position)::text AS last FROM es_events`)) as { last: string }[];
      expect((await stored()).globalPosition).toBe(last);
    } finally {
      relayStatements.restore();
      checkpointReads.restore();
      await relay.stop();
      await publisher.disconnect();
    }
  });

  it('processes partition numbers at once but one chunk at a time per partition number, across topics, in order per tenant', async () => {
    // Two topics keyed by tenant with the same partition count: partition i of both holds the
    // same tenants, so their chunks may write the same streams (a call's stream is written
    // from call-started and call-ended) and must never overlap; other partition numbers may.
    await kafka.createTopics([Topics.CallStarted], 3);
    const ended = `${prefix}lanes-ended`;
    await kafka.createTopics([ended.slice(prefix.length)], 3);
    const tenants = Array.from({ length: 9 }, (_, i) => `lane-${i}`);
    const count = 60;
    await kafka.publish(
      Topics.CallStarted,
      Array.from({ length: count }, (_, i) => callStarted({ tenantId: tenants[i % tenants.length]!, callId: `s${i}` })),
    );
    await kafka.publish(
      ended.slice(prefix.length),
      Array.from({ length: count }, (_, i) => callEnded({ tenantId: tenants[i % tenants.length]!, callId: `e${i}`, durationSeconds: 1 })),
    );

    const inFlight = new Map<number, number>();
    let most = 0;
    let mostPerPartition = 0;
    const applied: { topic: string; tenant: string; callId: string }[] = [];
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}lanes` });
    const publisher = new KafkaPublisher(client, prefix);
    const consumer = new KafkaBatchConsumer(client, {
      groupId: `${prefix}lanes`,
      topics: { [Topics.CallStarted]: telephonySchemas(), [ended.slice(prefix.length)]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      maxChunkSize: 5,
      partitionsConsumedConcurrently: 6,
      apply: async (messages) => {
        const partition = messages[0]!.partition;
        inFlight.set(partition, (inFlight.get(partition) ?? 0) + 1);
        mostPerPartition = Math.max(mostPerPartition, inFlight.get(partition)!);
        most = Math.max(
          most,
          [...inFlight.values()].reduce((a, b) => a + b, 0),
        );
        await new Promise((resolve) => setTimeout(resolve, 20)); // a transaction's worth of time
        for (const m of messages) applied.push({ topic: m.topic, tenant: m.event.tenantId, callId: (m.event as unknown as { callId: string }).callId });
        inFlight.set(partition, inFlight.get(partition)! - 1);
      },
    });
    await consumer.start();
    try {
      // A rebalance may deliver a chunk again (this consumer keeps no inbox): count each message once.
      const distinct = () => new Set(applied.map((a) => `${a.topic}/${a.callId}`)).size;
      await eventually(() => expect(distinct()).toBe(2 * count), { timeoutMs: 60_000 });
      expect(mostPerPartition).toBe(1);
      expect(most).toBeGreaterThan(1);
      for (const tenant of tenants) {
        for (const t of [Topics.CallStarted, ended.slice(prefix.length)]) {
          const ids = [...new Set(applied.filter((a) => a.tenant === tenant && a.topic === t).map((a) => Number(a.callId.slice(1))))];
          expect(ids).toEqual([...ids].sort((a, b) => a - b));
        }
      }
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it("gives two instances whole lanes: partition i of every topic to the same member, so a tenant's streams have one writer", async () => {
    const [first, second] = ['lanes-a', 'lanes-b'];
    await kafka.createTopics([first, second], 3);
    const groupId = `${prefix}lane-members`;
    const client = createKafka({ brokers: brokers().split(','), clientId: groupId });
    const publisher = new KafkaPublisher(client, prefix);
    const member = () =>
      new KafkaBatchConsumer(client, {
        groupId,
        topics: { [first]: telephonySchemas(), [second]: telephonySchemas() },
        deadLetters: publisher,
        topicPrefix: prefix,
        apply: async () => undefined,
      });
    const members = [member(), member()];
    try {
      for (const m of members) await m.start();
      // Once the second has joined, the group has rebalanced: each holds part of all six.
      await eventually(() => {
        const held = members.map((m) => Object.entries(m.assignment()).flatMap(([topic, ps]) => ps.map((p) => `${topic}/${p}`)));
        expect(held.every((h) => h.length > 0)).toBe(true);
        expect(held.flat().sort()).toEqual([first, second].flatMap((t) => [0, 1, 2].map((p) => `${prefix}${t}/${p}`)).sort());
      });
      for (const m of members) {
        const byTopic = m.assignment();
        expect(byTopic[`${prefix}${first}`]).toEqual(byTopic[`${prefix}${second}`]);
      }
    } finally {
      await Promise.all(members.map((m) => m.stop()));
      await publisher.disconnect();
    }
  });

  it('commits offsets in few requests, not one per chunk, and everything applied before it leaves the group', async () => {
    const groupId = `${prefix}coalesced`;
    const client = createKafka({ brokers: brokers().split(','), clientId: groupId });
    const publisher = new KafkaPublisher(client, prefix);
    let commits = 0;
    let applied = 0;
    const consumer = new KafkaBatchConsumer(client, {
      groupId,
      topics: { [topic]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      offsetCommitIntervalMs: 60_000, // nothing but the first chunk and the stop commits
      observer: { offsetsCommitted: () => void commits++ },
      apply: inboxApplier(new Transactions(db.dataSource), groupId, async (_sql, fresh) => void (applied += fresh.length)),
    });
    await consumer.start();
    try {
      for (let i = 0; i < 20; i++) {
        await kafka.publish(topic, [callEnded({ tenantId: `t${i % 4}`, callId: `one-by-one-${i}`, durationSeconds: 1 })]);
        await eventually(() => expect(applied).toBe(i + 1)); // a chunk of its own
      }
      expect(commits).toBe(1);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
    expect(commits).toBe(2);
    await kafka.waitUntilCaughtUp(groupId, topic, 1_000); // committed up to the end by the stop
  });

  it('gathers messages published one by one into few chunks when the fetch waits for bytes (a consumer nobody waits on)', async () => {
    const name = 'gathered';
    await kafka.createTopics([name], 1);
    const groupId = `${prefix}gathered`;
    const client = createKafka({ brokers: brokers().split(','), clientId: groupId });
    const publisher = new KafkaPublisher(client, prefix);
    const chunks: number[] = [];
    const consumer = new KafkaBatchConsumer(client, {
      groupId,
      topics: { [name]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      fetchMinBytes: 1024 * 1024, // more than the test publishes: every fetch waits its whole time
      fetchMaxWaitMs: 3_000,
      apply: inboxApplier(new Transactions(db.dataSource), groupId, async (_sql, fresh) => void chunks.push(fresh.length)),
    });
    const joined = consumer.onceJoined();
    await consumer.start();
    await joined;
    try {
      // A first message, applied once its fetch ends: the consumer then parks its next fetch.
      await kafka.publish(name, [callEnded({ tenantId: 't0', callId: 'gathered-first', durationSeconds: 1 })]);
      await eventually(() => expect(chunks).toEqual([1]));
      // Then messages one by one, each acknowledged before the next. A fetch answered at once
      // (the default) returns with the first of them and comes back for the rest in pieces.
      for (let i = 0; i < 20; i++) {
        await kafka.publish(name, [callEnded({ tenantId: `t${i % 4}`, callId: `gathered-${i}`, durationSeconds: 1 })]);
      }
      await eventually(() => expect(chunks.reduce((a, b) => a + b, 0)).toBe(21));
      expect(chunks.length).toBeLessThanOrEqual(3); // the first, then the twenty in one or two
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('keeps an idle consumer idle: its connections check their request queue when a request ends, not every millisecond', async () => {
    // KafkaJS 2.2.4 re-armed a 1 ms timer on every connection even with nothing pending (a core's
    // few per cent per connection, idle or not: tulios/kafkajs#1556); patches/kafkajs+2.2.4.patch.
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { checkPendingRequests(): void } };
    const checks = jest.spyOn(RequestQueue.prototype, 'checkPendingRequests');
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}idle` });
    const consumer = client.consumer({ groupId: `${prefix}idle`, maxWaitTimeInMs: 200 });
    let fetches = 0;
    consumer.on(consumer.events.FETCH, () => void fetches++);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [prefix + topic], fromBeginning: true });
      await consumer.run({ eachBatch: async () => undefined });
      await eventually(() => expect(fetches).toBeGreaterThanOrEqual(2));
      checks.mockClear();
      const from = fetches;
      await eventually(() => expect(fetches).toBeGreaterThanOrEqual(from + 5), { timeoutMs: 10_000 }); // ~1 s of idle fetches
      // A handful per request that ends (fetches, heartbeats); with the bug, ~1,000 a second per connection.
      expect(checks.mock.calls.length).toBeLessThan(20 * (fetches - from));
    } finally {
      checks.mockRestore();
      await consumer.disconnect();
    }
  });

  it('commits the offset of a chunk that was still running when the consumer was stopped', async () => {
    const groupId = `${prefix}stop-mid-chunk`;
    const client = createKafka({ brokers: brokers().split(','), clientId: groupId });
    const publisher = new KafkaPublisher(client, prefix);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const consumer = new KafkaBatchConsumer(client, {
      groupId,
      topics: { [topic]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      offsetCommitIntervalMs: 60_000,
      apply: inboxApplier(new Transactions(db.dataSource), groupId, async (_sql, fresh) => {
        if (fresh.some((m) => (m.event as unknown as { callId: string }).callId === 'slow')) {
          started();
          await released;
        }
      }),
    });
    await consumer.start();
    await kafka.publish(topic, [callEnded({ tenantId: 'contoso', callId: 'slow', durationSeconds: 1 })]);
    await running;
    const stopped = consumer.stop(); // marks the consumer stopping at once, then waits for the chunk
    release(); // so the chunk ends after the stop began
    await stopped;
    await publisher.disconnect();
    await kafka.waitUntilCaughtUp(groupId, topic, 1_000);
  });

  it('decides a version conflict again a bounded number of times, then dead-letters it', async () => {
    const dlt = await kafka.collect(`${topic}.dlt`);
    let conflicts = 0;
    const groupId = `${prefix}conflicts`;
    const { consumer, stop } = inProcessConsumer(groupId, (callIds) => {
      if (callIds.includes('always-conflicts')) {
        conflicts++;
        throw new VersionConflictError(['call:contoso:always-conflicts'], '1');
      }
    });
    await kafka.publish(topic, [
      callEnded({ tenantId: 'contoso', callId: 'always-conflicts', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'next', durationSeconds: 2 }),
    ]);
    await consumer.start();
    try {
      const [dead] = await dlt.waitFor(() => true);
      expect(dead!.json).toMatchObject({ callId: 'always-conflicts' });
      expect(dead!.headers).toMatchObject({
        [DeadLetterHeaders.Reason]: 'PROCESSING_FAILED',
        [DeadLetterHeaders.Error]: expect.stringContaining('VersionConflictError'),
        [DeadLetterHeaders.Attempts]: '10',
      });
      await kafka.waitUntilCaughtUp(groupId, topic);
      expect(await db.dataSource.query(`SELECT call_id FROM effects`)).toEqual([{ call_id: 'next' }]);
      expect(conflicts).toBe(20); // 10 for the chunk, 10 for the message alone
    } finally {
      await stop();
    }
  });

  it('retries an unreachable database without dead-lettering the event or committing past it', async () => {
    const dlt = await kafka.collect(`${topic}.dlt`);
    let down = true;
    let failures = 0;
    const groupId = `${prefix}transient`;
    const { consumer, stop } = inProcessConsumer(groupId, () => {
      if (down) {
        failures++;
        throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:5432`), { code: 'ECONNREFUSED' });
      }
    });
    await kafka.publish(topic, [
      callEnded({ tenantId: 'contoso', callId: 'valid-1', durationSeconds: 1 }),
      callEnded({ tenantId: 'contoso', callId: 'valid-2', durationSeconds: 2 }),
    ]);
    await consumer.start();
    try {
      // Well past maxAttempts (3): a transient failure has no bound, and commits nothing.
      await eventually(() => expect(failures).toBeGreaterThanOrEqual(6), { timeoutMs: 60_000 });
      const committed = await kafka.committedOffsets(groupId, topic);
      expect([...committed.values()].every((offset) => offset <= 0n)).toBe(true);
      down = false;
      await kafka.waitUntilCaughtUp(groupId, topic);
      const rows = await db.dataSource.query(`SELECT call_id FROM effects ORDER BY call_id`);
      expect(rows.map((r: { call_id: string }) => r.call_id)).toEqual(['valid-1', 'valid-2']);
      expect(dlt.messages).toHaveLength(0);
    } finally {
      await stop();
    }
  });

  it('fails over fast: a SIGTERMed member leaves at once, a SIGKILLed one costs at most ~10 s', async () => {
    const env = { BROKERS: brokers(), TOPIC_PREFIX: prefix, DATABASE_URL: db.url, GROUP_ID: `${prefix}failover`, MODE: 'consume', BATCH: '10' };
    const consuming = (worker: ReturnType<typeof startWorker>) =>
      eventually(() => expect(worker.output()).toContain('consuming'), { message: 'worker did not start' });
    const members = (count: number) =>
      eventually(async () => expect(await kafka.groupMembers(env.GROUP_ID)).toHaveLength(count), { timeoutMs: 60_000, intervalMs: 200 });
    // Ten tenants: both partitions get messages.
    const burst = (label: string) =>
      kafka.publish(
        topic,
        Array.from({ length: 10 }, (_, i) => callEnded({ tenantId: `t${i}`, callId: `${label}${i}`, durationSeconds: 1 })),
      );
    const timeToCatchUp = async () => {
      const started = Date.now();
      await kafka.waitUntilCaughtUp(env.GROUP_ID, topic, 60_000);
      return Date.now() - started;
    };

    const a = startWorker(env);
    const b = startWorker(env);
    const workers = [a, b];
    try {
      await Promise.all([consuming(a), consuming(b)]);
      await members(2);

      a.process.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      await burst('term');
      const afterTerm = await timeToCatchUp();
      expect(afterTerm).toBeLessThan(5_000); // well under the session timeout: it left the group

      const c = startWorker(env);
      workers.push(c);
      await consuming(c);
      await members(2);
      b.process.kill('SIGKILL');
      expect(await b.exited).toBe('SIGKILL');
      await burst('kill');
      const afterKill = await timeToCatchUp();
      expect(afterKill).toBeLessThan(13_000); // session timeout (10 s) + rebalance
      expect(await effects()).toMatchObject({ rows: 20, distinct: 20 });
      process.stdout.write(`failover: SIGTERM ${afterTerm} ms, SIGKILL ${afterKill} ms\n`);
    } finally {
      for (const worker of workers) if (worker.process.exitCode === null && !worker.process.killed) worker.process.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  });

  it('restarts a consumer kafkajs crashed for good, and gives up after too many restarts in the window', async () => {
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}doomed` });
    // A bug in dead-lettering (a TypeError: unrecoverable for kafkajs) hit by every redelivery.
    const broken: MessagePublisher = {
      publish: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'send')");
      },
    };
    const states: string[] = [];
    let gaveUp: unknown;
    const consumer = new KafkaBatchConsumer(client, {
      groupId: `${prefix}doomed`,
      topics: { [topic]: telephonySchemas() },
      deadLetters: broken,
      topicPrefix: prefix,
      retryBackoffMs: 10, // restarts after 100, 200 ms
      maxRestarts: 2,
      restartWindowMs: 60_000,
      apply: async () => undefined,
      onGiveUp: (error) => (gaveUp = error),
    });
    await kafka.publishRaw(topic, [{ key: 'contoso', value: 'not json' }]);
    const joined = consumer.onceJoined();
    await consumer.start();
    await joined;
    try {
      await eventually(
        () => {
          states.push(consumer.state().detail ?? 'up');
          expect(gaveUp).toBeDefined();
        },
        { intervalMs: 10, timeoutMs: 60_000 },
      );
      expect(consumer.state()).toMatchObject({ up: false, detail: expect.stringContaining('gave up after 2 restarts') });
      expect(states.some((s) => s.startsWith('crashed'))).toBe(true);
    } finally {
      await consumer.stop();
    }
  });
});

/** Stores one CallEnded on a call stream of its own (what the relays of these tests publish). */
function appendCallEnded(store: EventStore, sql: SqlClient, callId: string) {
  return store.append(sql, [
    {
      streamId: `call:contoso:${callId}`,
      streamType: 'call',
      tenantId: 'contoso',
      expectedVersion: 'no_stream',
      events: [{ type: 'CallEnded', data: { callId, durationSeconds: 1 } }],
    },
  ]);
}

/**
 * Counts the statements this process asks node-postgres to run (prepared ones included) whose
 * text matches, from now until `restore()`.
 */
function watchStatements(pattern: RegExp): { count: () => number; restore: () => void } {
  const query = jest.spyOn(PgClient.prototype, 'query');
  const textOf = (config: unknown) => (typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? ''));
  return {
    count: () => query.mock.calls.filter(([config]) => pattern.test(textOf(config))).length,
    restore: () => query.mockRestore(),
  };
}
