import { RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { poolCallChanges, poolCallsProjection } from './pool.projections';

let position = 0;
function recorded(tenantId: string, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    type,
    version: 1,
    data,
    metadata: {},
    streamId: `call:${tenantId}:${String(data['callId'])}`,
    streamType: 'call',
    tenantId,
    streamPosition: position,
    globalPosition: String(position),
    transactionId: '1',
    occurredAt: new Date('2026-12-02T10:00:00Z'),
  };
}

const funded = (tenantId: string, callId: string) =>
  recorded(tenantId, 'CallFundedFromPool', {
    callId,
    month: '2026-12',
    userId: 'u1',
    destinationCountry: 'FR',
    creditsLicensed: false,
    maxDurationSeconds: 7200,
    reservedMinutes: 120,
    dueBy: '2026-12-02T12:15:00.000Z',
  });
const ended = (tenantId: string, callId: string, durationSeconds: number) => recorded(tenantId, 'CallEndObserved', { callId, durationSeconds });
const settled = (tenantId: string, callId: string, minutes: number) =>
  recorded(tenantId, 'PoolCallSettled', { callId, month: '2026-12', durationSeconds: minutes * 60, minutes, poolMinutes: minutes, uncoveredMinutes: 0 });
const handedOn = (tenantId: string, callId: string) =>
  recorded(tenantId, 'CallHandedToWallet', {
    callId,
    reason: 'NOT_POOL_ELIGIBLE',
    userId: 'u2',
    destinationCountry: 'JP',
    startedAt: '2026-12-02T10:00:00.000Z',
  });

describe('pool calls read model', () => {
  it('folds a chunk per call as applying its events one by one would', () => {
    const { rows, reserved, released } = poolCallChanges([
      funded('t1', 'c1'),
      funded('t1', 'c2'),
      ended('t1', 'c1', 90),
      settled('t1', 'c1', 2),
      handedOn('t2', 'c1'),
    ]);

    expect(rows).toEqual([
      {
        tenantId: 't1',
        callId: 'c1',
        columns: {
          month: '2026-12',
          organizer: 'u1',
          destination_country: 'FR',
          funding: 'pool',
          max_duration_seconds: 7200,
          reserved_minutes: 120,
          duration_seconds: 90,
          minutes: 2,
          pool_minutes: 2,
          handed_on_minutes: 0,
        },
      },
      expect.objectContaining({ tenantId: 't1', callId: 'c2' }),
      {
        tenantId: 't2',
        callId: 'c1',
        columns: { month: '2026-12', organizer: 'u2', destination_country: 'JP', funding: 'handed-on: not pool-eligible' },
      },
    ]);
    // c1 was reserved and settled in the same chunk: its reservation is released, not kept.
    expect(reserved).toEqual([{ tenantId: 't1', callId: 'c2', month: '2026-12', minutes: 120, dueBy: '2026-12-02T12:15:00.000Z' }]);
    expect(released).toEqual([{ tenantId: 't1', callId: 'c1' }]);
  });

  it('writes a chunk of any size in at most three statements', async () => {
    const statements: string[] = [];
    const sql: SqlClient = {
      query: async (text: string) => {
        statements.push(text.trim().split(/\s+/).slice(0, 3).join(' '));
        return { rows: [], rowCount: 0 } as never;
      },
    };
    const events = Array.from({ length: 50 }, (_, i) => [funded('t1', `c${i}`), ended('t1', `c${i}`, 60), settled('t1', `c${i}`, 1)]).flat();

    await poolCallsProjection.apply(sql, [...events, funded('t1', 'open')]);

    expect(statements).toEqual(['INSERT INTO rm_pool_calls', 'DELETE FROM rm_pool_reservations', 'INSERT INTO rm_pool_reservations']);
  });
});
