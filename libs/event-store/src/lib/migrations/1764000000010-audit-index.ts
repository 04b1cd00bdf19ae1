import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /tenants/{t}/audit` reads a tenant's events that record an actor, newest first. They are
 * few beside the consumed traffic (calls), so a partial index keeps the read off the big table.
 * The platform adds this migration to every service's list.
 */
export class AuditIndex1764000000010 implements MigrationInterface {
  name = 'AuditIndex1764000000010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX IF NOT EXISTS es_events_audit_idx ON es_events (tenant_id, global_position DESC) WHERE metadata ? 'actor'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS es_events_audit_idx`);
  }
}
