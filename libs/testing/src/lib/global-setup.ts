import { startTestInfrastructure } from './test-infrastructure';

/**
 * One broker and one database server for the whole integration run. Workers start after this
 * and inherit the environment variables it sets.
 */
export default async function globalSetup(): Promise<void> {
  const infra = await startTestInfrastructure((line) => process.stdout.write(`\n${line}\n`));
  process.env['TEST_KAFKA_BROKERS'] = infra.kafkaBrokers;
  process.env['TEST_POSTGRES_URL'] = infra.postgresUrl;
  process.env['TEST_INFRA_MODE'] = infra.mode;
  (globalThis as { __testInfrastructure?: typeof infra }).__testInfrastructure = infra;
}
