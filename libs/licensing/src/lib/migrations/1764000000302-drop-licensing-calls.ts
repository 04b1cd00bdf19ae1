import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `rm_licensing_calls` goes: it backed licensing's `GET /tenants/{t}/usage`, removed for the
 * reporting service's per-call report (docs/reporting.md), and nothing reads it since. The
 * `CallUsageClassified` events it was built from stay in the store (the stage's history).
 */
export class DropLicensingCalls1764000000302 implements MigrationInterface {
  name = 'DropLicensingCalls1764000000302';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS rm_licensing_calls`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // Empty again: `npx nx run licensing:rebuild-projections` with the projection restored refills it.
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
}
