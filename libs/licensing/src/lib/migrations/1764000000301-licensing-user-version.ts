import { MigrationInterface, QueryRunner } from 'typeorm';

/** The user stream's version on the read model: the ETag of GET/PUT users (If-Match). */
export class LicensingUserVersion1764000000301 implements MigrationInterface {
  name = 'LicensingUserVersion1764000000301';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_licensing_users ADD COLUMN version integer NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_licensing_users DROP COLUMN version`);
  }
}
