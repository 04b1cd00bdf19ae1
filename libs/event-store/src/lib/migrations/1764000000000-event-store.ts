import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store of one service: streams, events in a global order, processor checkpoints,
 * and the inbox that makes every consumed message idempotent. Forward-only.
 */
export class EventStore1764000000000 implements MigrationInterface {
  name = 'EventStore1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE es_streams (
        stream_id        text        PRIMARY KEY,
        stream_type      text        NOT NULL,
        tenant_id        text        NOT NULL,
        stream_position  bigint      NOT NULL CHECK (stream_position >= 0),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE es_events (
        global_position  bigserial   PRIMARY KEY,
        transaction_id   xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id        text        NOT NULL REFERENCES es_streams (stream_id),
        stream_type      text        NOT NULL,
        stream_position  bigint      NOT NULL,
        event_id         uuid        NOT NULL,
        event_type       text        NOT NULL,
        event_version    integer     NOT NULL DEFAULT 1,
        tenant_id        text        NOT NULL,
        data             jsonb       NOT NULL,
        metadata         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        occurred_at      timestamptz NOT NULL,
        recorded_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT es_events_stream_position_key UNIQUE (stream_id, stream_position),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id)
      )`);
    // Global readers walk (transaction_id, global_position) below the snapshot's xmin.
    await runner.query(`CREATE INDEX es_events_global_order_idx ON es_events (transaction_id, global_position)`);
    await runner.query(`
      CREATE TABLE es_checkpoints (
        processor        text        PRIMARY KEY,
        transaction_id   xid8        NOT NULL,
        global_position  bigint      NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE inbox (
        consumer         text        NOT NULL,
        event_id         text        NOT NULL,
        topic            text        NOT NULL,
        partition        integer     NOT NULL,
        "offset"         bigint      NOT NULL,
        processed_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE inbox, es_checkpoints, es_events, es_streams`);
  }
}
