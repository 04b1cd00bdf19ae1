import { readinessOf, topicFigures } from './metrics';

const SCRAPE = `# HELP kafka_consumer_lag_messages lag
# TYPE kafka_consumer_lag_messages gauge
kafka_consumer_lag_messages{service="pool-ledger",topic="licensing.events",partition="0"} 3
kafka_consumer_lag_messages{service="pool-ledger",topic="licensing.events",partition="1"} 4
kafka_consumer_lag_messages{service="pool-ledger",topic="telephony.call-ended",partition="0"} 0
kafka_messages_processed_total{service="pool-ledger",topic="licensing.events"} 120
kafka_messages_dead_lettered_total{service="pool-ledger",topic="telephony.call-ended",reason="SCHEMA_INVALID"} 2
kafka_messages_dead_lettered_total{service="pool-ledger",topic="telephony.call-ended",reason="INVALID_JSON"} 1
http_requests_total{service="pool-ledger",method="GET",route="/tenants/:tenantId/pool",status="200"} 10
`;

describe('metrics and readiness', () => {
  it('sums lag over partitions and dead letters by reason, per topic', () => {
    expect(topicFigures(SCRAPE)).toEqual([
      { topic: 'licensing.events', lag: 7, processed: 120, deadLettered: 0, reasons: {} },
      { topic: 'telephony.call-ended', lag: 0, processed: 0, deadLettered: 3, reasons: { SCHEMA_INVALID: 2, INVALID_JSON: 1 } },
    ]);
  });

  it('names the failed checks of a 503', () => {
    expect(
      readinessOf(503, {
        status: 'error',
        info: { database: { status: 'up' } },
        error: { kafka: { status: 'down', message: 'connect ECONNREFUSED' } },
        failed: ['kafka'],
      }),
    ).toEqual({
      ready: false,
      checks: { database: 'up', kafka: 'connect ECONNREFUSED' },
    });
    expect(readinessOf(200, { status: 'ok', details: { database: { status: 'up' }, 'consumer:pool-ledger': { status: 'up' } } })).toEqual({
      ready: true,
      checks: { database: 'up', 'consumer:pool-ledger': 'up' },
    });
  });
});
