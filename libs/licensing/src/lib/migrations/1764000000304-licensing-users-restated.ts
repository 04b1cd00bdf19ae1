import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which tenants' users licensing has restated on `licensing.events` (`LicensedUsersRestated`),
 * and in which edition: admission reads it with a call's facts, and restates a tenant not in it.
 */
export class LicensingUsersRestated1764000000304 implements MigrationInterface {
  name = 'LicensingUsersRestated1764000000304';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_licensing_restated_tenants (
        tenant_id     text        NOT NULL PRIMARY KEY,
        edition       integer     NOT NULL,
        users         integer     NOT NULL,
        restated_at   timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_licensing_restated_tenants`);
  }
}
