import { randomUUID } from 'node:crypto';
import { DomainError, ok, fail, Decider } from '@comms-credits/domain-kit';
import { TestDatabase, createTestDatabase, eventually } from '@comms-credits/testing';
import { DataSource } from 'typeorm';
import {
  BEGINNING,
  EventStore,
  EventStore1764000000000,
  Projection,
  RecordedEvent,
  SqlClient,
  Transactions,
  VersionConflictError,
  appendToStream,
  decideAndAppend,
  decideAndAppendBatch,
  handleCommand,
  readAll,
  readStream,
  readStreams,
  rebuildProjections,
  sqlClientOf,
} from '../index';

type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Increment'; by: number; max: number };
const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) =>
    total + command.by > command.max
      ? fail(new DomainError('COUNTER.LIMIT', `would pass ${command.max}`))
      : ok([{ type: 'Incremented', data: { by: command.by } }]),
};

const totals: Projection = {
  name: 'totals',
  handles: ['Incremented'],
  tables: ['test_totals'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      await sql.query(
        `INSERT INTO test_totals (stream_id, total, events) VALUES ($1, $2, 1)
         ON CONFLICT (stream_id) DO UPDATE SET total = test_totals.total + excluded.total, events = test_totals.events + 1`,
        [event.streamId, (event.data as { by: number }).by],
      );
    }
  },
};

class TotalsTable1764000000900 {
  name = 'TotalsTable1764000000900';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`CREATE TABLE test_totals (stream_id text PRIMARY KEY, total bigint NOT NULL, events int NOT NULL)`);
  }
  async down(): Promise<void> {
    throw new Error('forward-only');
  }
}

describe('event store on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let tx: Transactions;
  const store = new EventStore([totals]);
  const target = (id: string) => ({ streamId: `counter:${id}`, streamType: 'counter', tenantId: 't1' });

  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764000000000, TotalsTable1764000000900], 'es');
    ds = db.dataSource;
    tx = new Transactions(ds);
  });
  afterAll(() => db.drop());

  it('appends many events in one round trip and reads the stream back in order', async () => {
    const id = randomUUID();
    const result = await tx.run((sql) =>
      appendToStream(sql, {
        ...target(id),
        expectedVersion: 'no_stream',
        events: [1, 2, 3].map((by) => ({ type: 'Incremented', data: { by } })),
      }),
    );
    expect(result.nextExpectedVersion).toBe(3);
    expect(result.globalPositions).toHaveLength(3);
    expect(BigInt(result.globalPositions[0]!) < BigInt(result.globalPositions[2]!)).toBe(true);
    const stream = await tx.run((sql) => readStream(sql, `counter:${id}`));
    expect(stream.currentVersion).toBe(3);
    expect(stream.events.map((e) => [e.streamPosition, e.data['by']])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("runs the store's statements as statements prepared once per connection, inside the caller's transaction", async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      const id = randomUUID();
      for (const attempt of [1, 2]) {
        await runner.startTransaction();
        const sql = sqlClientOf(runner);
        await readStreams(sql, [`counter:${id}`]);
        const appended = await appendToStream(sql, { ...target(id), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: attempt } }] });
        expect(appended.nextExpectedVersion).toBe(1);
        // A stale append through the prepared statement is still a version conflict.
        await expect(appendToStream(sql, { ...target(id), expectedVersion: 5, events: [{ type: 'Incremented', data: { by: 9 } }] })).rejects.toBeInstanceOf(
          VersionConflictError,
        );
        await runner.rollbackTransaction(); // the second round reuses what the first prepared
      }
      const statements = await runner.query(`SELECT name, statement FROM pg_prepared_statements WHERE starts_with(name, 'cc_')`);
      expect(statements.map((s: { statement: string }) => s.statement)).toEqual(
        expect.arrayContaining([expect.stringContaining('INSERT INTO es_events'), expect.stringContaining('CROSS JOIN LATERAL')]),
      );
      // Rolled back with its transaction: nothing was written outside it.
      expect((await tx.run((sql) => readStream(sql, `counter:${id}`))).events).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('refuses an append at a stale expected version, and appends nothing', async () => {
    const id = randomUUID();
    await tx.run((sql) => appendToStream(sql, { ...target(id), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 1 } }] }));
    await expect(
      tx.run((sql) => appendToStream(sql, { ...target(id), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 5 } }] })),
    ).rejects.toBeInstanceOf(VersionConflictError);
    await expect(
      tx.run((sql) => appendToStream(sql, { ...target(id), expectedVersion: 7, events: [{ type: 'Incremented', data: { by: 5 } }] })),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const stream = await tx.run((sql) => readStream(sql, `counter:${id}`));
    expect(stream.events.map((e) => e.data['by'])).toEqual([1]);
  });

  it('lets exactly one of two racing creators of a stream win (unique backstop)', async () => {
    const id = randomUUID();
    const attempts = await Promise.allSettled(
      [1, 2].map((by) =>
        tx.run((sql) => appendToStream(sql, { ...target(id), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by } }] })),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const rejected = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(VersionConflictError);
  });

  it('detects a version conflict between concurrent commands and retries the loser', async () => {
    const id = randomUUID();
    // Hold the first command inside its transaction, after its read, until the second has committed.
    let releaseFirst!: () => void;
    const firstMayAppend = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstHasRead!: () => void;
    const firstRead = new Promise<void>((resolve) => (firstHasRead = resolve));
    let reads = 0;
    const slowStore = new EventStore([totals]);
    const originalRead = slowStore.readStream;
    slowStore.readStream = (async (sql: SqlClient, streamId: string) => {
      const result = await originalRead(sql, streamId);
      reads++;
      if (reads === 1) {
        firstHasRead();
        await firstMayAppend;
      }
      return result;
    }) as typeof slowStore.readStream;

    const first = handleCommand(tx, slowStore, target(id), counter, { type: 'Increment', by: 1, max: 100 });
    await firstRead;
    const second = await handleCommand(tx, store, target(id), counter, { type: 'Increment', by: 10, max: 100 });
    releaseFirst();
    const firstResult = await first;

    expect(second).toMatchObject({ ok: true, value: { version: 1 } });
    // The first one lost the race, was retried from a fresh read, and landed after it.
    expect(firstResult).toMatchObject({ ok: true, value: { version: 2, state: 11 } });
    expect(reads).toBe(2);
    const [row] = await ds.query(`SELECT total, events FROM test_totals WHERE stream_id = $1`, [`counter:${id}`]);
    expect(row).toEqual({ total: '11', events: 2 });
  });

  it('returns a business refusal as a result and writes nothing', async () => {
    const id = randomUUID();
    const result = await handleCommand(tx, store, target(id), counter, { type: 'Increment', by: 101, max: 100 });
    expect(result).toMatchObject({ ok: false, error: { code: 'COUNTER.LIMIT' } });
    expect((await tx.run((sql) => readStream(sql, `counter:${id}`))).currentVersion).toBe(0);
  });

  it('does not let a global reader skip an event of a transaction still in flight', async () => {
    const start = await tx.run(async (sql) => {
      const { rows } = await sql.query<{ p: string }>(`SELECT COALESCE(max(global_position), 0)::text AS p FROM es_events`);
      const { rows: tx } = await sql.query<{ x: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x`);
      return { transactionId: String(BigInt(tx[0]!.x) - 1n), globalPosition: rows[0]!.p };
    });
    const slow = ds.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      // The slow transaction takes the lower global position but commits last.
      await appendToStream(sqlClientOf(slow), {
        ...target(`slow-${randomUUID()}`),
        expectedVersion: 'no_stream',
        events: [{ type: 'Incremented', data: { by: 1 } }],
      });
      await tx.run((sql) =>
        appendToStream(sql, { ...target(`fast-${randomUUID()}`), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 2 } }] }),
      );
      const whileInFlight = await tx.run((sql) => readAll(sql, start, 100));
      expect(whileInFlight.events.filter((e) => e.streamId.startsWith('counter:fast-'))).toHaveLength(0);
      await slow.commitTransaction();
    } finally {
      await slow.release();
    }
    // The snapshot's xmin is cluster-wide: a transaction of another database (a parallel test)
    // may hold it back for a moment, so a reader polls, as the outbox relay does.
    const ours = await eventually(async () => {
      const afterCommit = await tx.run((sql) => readAll(sql, start, 100));
      const names = afterCommit.events.filter((e) => /counter:(slow|fast)-/.test(e.streamId)).map((e) => e.streamId.split(':')[1]!.split('-')[0]);
      if (names.length < 2) throw new Error(`only ${names.join(', ')} visible yet`);
      return names;
    });
    expect(ours).toEqual(['slow', 'fast']);
  });

  it("is not held back by another database's transaction, only by this database's", async () => {
    // Another service's database on the same server: a transaction there holds an xid older
    // than ours for as long as it stays open (before, every relay on the server waited for it).
    const other = await createTestDatabase([], 'es-other');
    const elsewhere = other.dataSource.createQueryRunner();
    await elsewhere.connect();
    await elsewhere.startTransaction();
    try {
      await elsewhere.query(`SELECT pg_current_xact_id()`);
      const start = await tx.run(async (sql) => {
        const { rows } = await sql.query<{ p: string }>(`SELECT COALESCE(max(global_position), 0)::text AS p FROM es_events`);
        return { transactionId: '0', globalPosition: rows[0]!.p };
      });
      const id = randomUUID();
      await tx.run((sql) =>
        appendToStream(sql, { ...target(`after-other-${id}`), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 1 } }] }),
      );
      const read = await tx.run((sql) => readAll(sql, start, 1000));
      expect(read.events.map((e) => e.streamId)).toContain(`counter:after-other-${id}`);

      // A transaction of this database still in flight does hold it back.
      const slow = ds.createQueryRunner();
      await slow.connect();
      await slow.startTransaction();
      try {
        await appendToStream(sqlClientOf(slow), {
          ...target(`slow-here-${id}`),
          expectedVersion: 'no_stream',
          events: [{ type: 'Incremented', data: { by: 1 } }],
        });
        await tx.run((sql) =>
          appendToStream(sql, { ...target(`fast-here-${id}`), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 2 } }] }),
        );
        const held = await tx.run((sql) => readAll(sql, read.last, 1000));
        expect(held.events.map((e) => e.streamId)).not.toContain(`counter:fast-here-${id}`);
        await slow.commitTransaction();
      } finally {
        await slow.release();
      }
      const released = await tx.run((sql) => readAll(sql, read.last, 1000));
      expect(released.events.map((e) => e.streamId.split(':')[1])).toEqual(expect.arrayContaining([`slow-here-${id}`, `fast-here-${id}`]));
    } finally {
      await elsewhere.rollbackTransaction();
      await elsewhere.release();
      await other.drop();
    }
  });

  it('reads the global order from the beginning in pages', async () => {
    const first = await eventually(async () => {
      const page = await tx.run((sql) => readAll(sql, BEGINNING, 2));
      if (page.events.length < 2) throw new Error('nothing visible yet');
      return page;
    });
    const second = await tx.run((sql) => readAll(sql, first.last, 2));
    expect(second.events[0]!.globalPosition).not.toBe(first.events[1]!.globalPosition);
  });

  it('rebuilds projections to exactly the live read model', async () => {
    // Earlier tests appended some events without projecting them (raw appendToStream); start clean.
    await ds.query(`TRUNCATE es_events, es_streams, test_totals`);
    for (let i = 0; i < 20; i++) {
      await handleCommand(tx, store, target(`r${i % 4}-${randomUUID().slice(0, 4)}`), counter, { type: 'Increment', by: i, max: 1000 });
    }
    const live = await ds.query(`SELECT * FROM test_totals ORDER BY stream_id`);
    const result = await rebuildProjections(tx, store);
    const rebuilt = await ds.query(`SELECT * FROM test_totals ORDER BY stream_id`);
    expect(result.projections).toEqual(['totals']);
    expect(rebuilt).toEqual(live);
    expect(live.length).toBeGreaterThanOrEqual(20);
  });

  it('appends across several streams in one statement, all or nothing', async () => {
    const a = randomUUID();
    const b = randomUUID();
    await tx.run((sql) => appendToStream(sql, { ...target(a), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 1 } }] }));
    await expect(
      tx.run((sql) =>
        store.append(sql, [
          { ...target(a), expectedVersion: 0, events: [{ type: 'Incremented', data: { by: 1 } }] },
          { ...target(b), expectedVersion: 'no_stream', events: [{ type: 'Incremented', data: { by: 1 } }] },
        ]),
      ),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect((await tx.run((sql) => readStream(sql, `counter:${b}`))).currentVersion).toBe(0);
    const both = await tx.run((sql) =>
      store.append(sql, [
        { ...target(a), expectedVersion: 1, events: [{ type: 'Incremented', data: { by: 1 } }] },
        {
          ...target(b),
          expectedVersion: 'no_stream',
          events: [
            { type: 'Incremented', data: { by: 1 } },
            { type: 'Incremented', data: { by: 2 } },
          ],
        },
      ]),
    );
    expect(both.map((e) => [e.streamId.slice(8), e.streamPosition])).toEqual([
      [a, 2],
      [b, 1],
      [b, 2],
    ]);
  });

  it('decides on state folded from the stream', async () => {
    const id = randomUUID();
    await handleCommand(tx, store, target(id), counter, { type: 'Increment', by: 60, max: 100 });
    const refused = await tx.run((sql) => decideAndAppend(sql, store, target(id), counter, { type: 'Increment', by: 50, max: 100 }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'COUNTER.LIMIT' } });
  });

  it('decides a batch of commands in order, several on one stream seeing each other, in one append', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const results = await tx.run((sql) =>
      decideAndAppendBatch(sql, store, counter, [
        { target: target(a), command: { type: 'Increment', by: 60, max: 100 } },
        { target: target(b), command: { type: 'Increment', by: 1, max: 100 } },
        { target: target(a), command: { type: 'Increment', by: 50, max: 100 } }, // 110 > 100: refused
        { target: target(a), command: { type: 'Increment', by: 40, max: 100 } }, // exactly 100
      ]),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    const streamA = await tx.run((sql) => readStream(sql, `counter:${a}`));
    expect(streamA.events.map((e) => e.data['by'])).toEqual([60, 40]);
    const [row] = await ds.query(`SELECT total FROM test_totals WHERE stream_id = $1`, [`counter:${a}`]);
    expect(row.total).toBe('100');
  });

  it('reads a stream it appended to in this transaction from memory, exactly as the database would return it', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await tx.run((sql) =>
      decideAndAppendBatch(
        sql,
        store,
        counter,
        [a, b, c].map((id) => ({ target: target(id), command: { type: 'Increment' as const, by: 1, max: 100 } })),
      ),
    );
    const reads: unknown[] = [];
    const { again, inDatabase } = await tx.run(async (sql) => {
      const watched: SqlClient = {
        query: (text, params) => {
          if (/FROM es_events/.test(text)) reads.push(params?.[0]);
          return sql.query(text, params);
        },
      };
      // Read, decide and append a; read b; append to c without having read it ('any').
      await decideAndAppendBatch(watched, store, counter, [{ target: target(a), command: { type: 'Increment', by: 2, max: 100 } }]);
      await store.readStreams(watched, [`counter:${b}`]);
      await store.append(watched, [{ ...target(c), expectedVersion: 'any', events: [{ type: 'Incremented', data: { by: 3 } }] }]);
      const again = await store.readStreams(watched, [`counter:${a}`, `counter:${b}`, `counter:${c}`]);
      return { again, inDatabase: await readStreams(sql, [`counter:${a}`]) };
    });
    // a came from memory: locked by this transaction's append, nobody else could have moved it.
    // b (only read) and c (appended without a read) were read again: another writer may have moved b.
    expect(reads).toEqual([[`counter:${a}`], [`counter:${b}`], [`counter:${b}`, `counter:${c}`]]);
    const comparable = (stream: { currentVersion: number; events: RecordedEvent[] }) => ({
      currentVersion: stream.currentVersion,
      events: stream.events.map(({ transactionId: _, ...event }) => event),
    });
    expect(comparable(again.get(`counter:${a}`)!)).toEqual(comparable(inDatabase.get(`counter:${a}`)!));
    expect(again.get(`counter:${a}`)!.events.map((e) => e.data['by'])).toEqual([1, 2]);
    expect(again.get(`counter:${c}`)!.currentVersion).toBe(2);
    // Another transaction reads the database.
    const later: unknown[] = [];
    await tx.run((sql) => store.readStreams({ query: (text, params) => (later.push(params?.[0]), sql.query(text, params)) }, [`counter:${a}`]));
    expect(later).toEqual([[`counter:${a}`]]);
  });

  it('reads from the database again once an append failed, or went through the client without the store', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await tx.run((sql) =>
      decideAndAppendBatch(
        sql,
        store,
        counter,
        [a, b].map((id) => ({ target: target(id), command: { type: 'Increment' as const, by: 1, max: 100 } })),
      ),
    );
    const reads: unknown[] = [];
    await tx.run(async (sql) => {
      const watched: SqlClient = {
        query: (text, params) => {
          if (/FROM es_events/.test(text)) reads.push(params?.[0]);
          return sql.query(text, params);
        },
      };
      const increment = (id: string, by: number) =>
        decideAndAppendBatch(watched, store, counter, [{ target: target(id), command: { type: 'Increment', by, max: 100 } }]);
      await increment(a, 2);
      await increment(a, 3); // the stream as the first append left it: no read
      // A conflict that does not abort the transaction (b moves, a stale a does not): nothing remembered is trusted after it.
      await expect(
        store.append(watched, [
          { ...target(b), expectedVersion: 1, events: [{ type: 'Incremented', data: { by: 4 } }] },
          { ...target(a), expectedVersion: 1, events: [{ type: 'Incremented', data: { by: 9 } }] },
        ]),
      ).rejects.toBeInstanceOf(VersionConflictError);
      await increment(a, 5);
      await increment(a, 6);
      // An append around the store: read again.
      await appendToStream(watched, { ...target(a), expectedVersion: 'any', events: [{ type: 'Incremented', data: { by: 7 } }] });
      const after = await store.readStreams(watched, [`counter:${a}`]);
      expect(after.get(`counter:${a}`)!.events.map((e) => e.data['by'])).toEqual([1, 2, 3, 5, 6, 7]);
    });
    expect(reads).toEqual([[`counter:${a}`], [`counter:${a}`], [`counter:${a}`]]);
  });

  it('decides a batch on streams the caller already read without reading them again, and a stale read still conflicts', async () => {
    const a = randomUUID();
    const b = randomUUID();
    await tx.run((sql) => decideAndAppendBatch(sql, store, counter, [{ target: target(a), command: { type: 'Increment', by: 10, max: 100 } }]));
    const statements: { text: string; params?: unknown[] }[] = [];
    const watched = (sql: SqlClient): SqlClient => ({
      query: (text, params) => {
        statements.push({ text, params });
        return sql.query(text, params);
      },
    });
    const results = await tx.run(async (sql) => {
      const read = await readStreams(sql, [`counter:${a}`]);
      return decideAndAppendBatch(
        watched(sql),
        store,
        counter,
        [
          { target: target(a), command: { type: 'Increment', by: 85, max: 100 } }, // 10 + 85: the read's events count
          { target: target(b), command: { type: 'Increment', by: 1, max: 100 } }, // not in the read: read here
        ],
        read,
      );
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    // Only the stream it was not given is read.
    const reads = statements.filter(({ text }) => /FROM es_events/.test(text) && /stream_id/.test(text));
    expect(reads.map(({ params }) => params?.[0])).toEqual([[`counter:${b}`]]);
    expect((await tx.run((sql) => readStream(sql, `counter:${a}`))).events.map((e) => e.data['by'])).toEqual([10, 85]);

    // Read, then another transaction appends: deciding on the old read must not append.
    const stale = await tx.run((sql) => readStreams(sql, [`counter:${a}`]));
    await tx.run((sql) => decideAndAppendBatch(sql, store, counter, [{ target: target(a), command: { type: 'Increment', by: 1, max: 100 } }]));
    await expect(
      tx.run((sql) => decideAndAppendBatch(sql, store, counter, [{ target: target(a), command: { type: 'Increment', by: 1, max: 100 } }], stale)),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect((await tx.run((sql) => readStream(sql, `counter:${a}`))).currentVersion).toBe(3);
  });
});
