import { MigrationInterface, QueryRunner } from 'typeorm';

/** The operators' tenant directory: one row per tenant the report has seen (a projection, rebuilt from the store). */
export class TenantDirectory1764000000710 implements MigrationInterface {
  name = 'TenantDirectory1764000000710';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_tenant_directory (
        tenant_id text  PRIMARY KEY,
        state     jsonb NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_tenant_directory`);
  }
}
