import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reporting service's tables: the usage report (one row per call, with the facts it is
 * folded from), the webhook endpoints (both projections of its event store), and the webhook
 * outbox with its delivery log (operational: never rebuilt, never truncated).
 */
export class Reporting1764000000700 implements MigrationInterface {
  name = 'Reporting1764000000700';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_usage (
        tenant_id         text        NOT NULL,
        call_id           text        NOT NULL,
        usage_id          uuid        NOT NULL,
        facts             jsonb       NOT NULL,
        user_id           text,
        call_type         text,
        from_number       text,
        to_number         text,
        from_country      text,
        to_country        text,
        start_time        timestamptz,
        end_time          timestamptz,
        duration_seconds  integer,
        charge            numeric,
        connection_fee    numeric,
        currency          text,
        capability        text,
        funding           text,
        pool_minutes      integer,
        decision          text,
        reason            text,
        rate_card_version text,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    // Range scans and keyset pagination: (tenant, start time, call id).
    await runner.query(`CREATE INDEX rm_usage_tenant_start_idx ON rm_usage (tenant_id, start_time, call_id)`);

    await runner.query(`
      CREATE TABLE rm_webhook_endpoints (
        tenant_id   text        NOT NULL,
        webhook_id  text        NOT NULL,
        url         text        NOT NULL,
        events      text[]      NOT NULL,
        enabled     boolean     NOT NULL,
        secret      text        NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, webhook_id)
      )`);

    await runner.query(`
      CREATE TABLE webhook_deliveries (
        delivery_id      uuid        PRIMARY KEY,
        tenant_id        text        NOT NULL,
        webhook_id       text        NOT NULL,
        message_id       text        NOT NULL,
        event_type       text        NOT NULL,
        payload          jsonb       NOT NULL,
        status           text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
        attempts         integer     NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL,
        leased_until     timestamptz,
        give_up_at       timestamptz NOT NULL,
        last_status_code integer,
        last_error       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        succeeded_at     timestamptz,
        UNIQUE (tenant_id, webhook_id, message_id)
      )`);
    await runner.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await runner.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, webhook_id, created_at DESC)`);
    await runner.query(`
      CREATE TABLE webhook_attempts (
        delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
        attempt      integer     NOT NULL,
        at           timestamptz NOT NULL,
        status_code  integer,
        error        text,
        duration_ms  integer     NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE webhook_attempts`);
    await runner.query(`DROP TABLE webhook_deliveries`);
    await runner.query(`DROP TABLE rm_webhook_endpoints`);
    await runner.query(`DROP TABLE rm_usage`);
  }
}
