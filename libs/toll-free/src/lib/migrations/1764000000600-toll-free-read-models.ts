import { MigrationInterface, QueryRunner } from 'typeorm';

/** Toll-free read models: the number inventory and its holders, the tenants' accounts, routed calls. */
export class TollFreeReadModels1764000000600 implements MigrationInterface {
  name = 'TollFreeReadModels1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    // One row per stocked number, so a number has at most one holder. Acquisitions pick a free
    // row with SELECT … FOR UPDATE SKIP LOCKED: racing tenants never get the same number.
    await runner.query(`
      CREATE TABLE rm_toll_free_numbers (
        number       text        PRIMARY KEY,
        country      text        NOT NULL,
        tenant_id    text,
        target       text,
        target_id    text,
        acquired_at  timestamptz
      )`);
    await runner.query(`CREATE INDEX rm_toll_free_numbers_free_idx ON rm_toll_free_numbers (country, number) WHERE tenant_id IS NULL`);
    await runner.query(`CREATE INDEX rm_toll_free_numbers_tenant_idx ON rm_toll_free_numbers (tenant_id, number) WHERE tenant_id IS NOT NULL`);
    // Also the lock that serializes the commands and consumers of one tenant's account.
    await runner.query(`
      CREATE TABLE rm_toll_free_tenants (
        tenant_id        text     PRIMARY KEY,
        seats            jsonb    NOT NULL DEFAULT '{}'::jsonb,
        billing_set_up   boolean  NOT NULL DEFAULT false,
        balance_positive boolean  NOT NULL DEFAULT false,
        suspended        boolean  NOT NULL DEFAULT false
      )`);
    await runner.query(`
      CREATE TABLE rm_toll_free_calls (
        tenant_id   text        NOT NULL,
        call_id     text        NOT NULL,
        number      text        NOT NULL,
        started_at  timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_toll_free_calls_month_idx ON rm_toll_free_calls (tenant_id, number, started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_toll_free_calls, rm_toll_free_tenants, rm_toll_free_numbers`);
  }
}
