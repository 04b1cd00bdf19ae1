import { MigrationInterface, QueryRunner } from 'typeorm';

/** Licensing read models: users with licences, seats per SKU, calls per licence capability. */
export class LicensingReadModels1764000000300 implements MigrationInterface {
  name = 'LicensingReadModels1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_licensing_users (
        tenant_id       text    NOT NULL,
        user_id         text    NOT NULL,
        usage_location  text,
        display_name    text,
        licenses        text[]  NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, user_id)
      )`);
    // Also the lock that serializes assignments of one SKU: commands SELECT … FOR UPDATE its row.
    await runner.query(`
      CREATE TABLE rm_licensing_subscriptions (
        tenant_id  text    NOT NULL,
        sku        text    NOT NULL,
        seats      integer NOT NULL DEFAULT 0,
        assigned   integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, sku)
      )`);
    await runner.query(`
      CREATE TABLE rm_licensing_calls (
        tenant_id         text        NOT NULL,
        call_id           text        NOT NULL,
        user_id           text,
        capability        text,
        outcome           text,
        started_at        timestamptz,
        duration_seconds  integer,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_licensing_calls_month_idx ON rm_licensing_calls (tenant_id, started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_licensing_calls, rm_licensing_subscriptions, rm_licensing_users`);
  }
}
