import { ServiceConfig, loadConfig } from '@comms-credits/platform';
import { ReportingConfig } from './reporting.config';

const env = {
  PORT: '3006',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/comms_credits_reporting',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('ReportingConfig', () => {
  it('lets its consumer gather messages (nobody waits on the report), unlike the admission chain', () => {
    const config = loadConfig(ReportingConfig, env);
    expect(config.KAFKA_FETCH_MIN_BYTES).toBeGreaterThan(1);
    expect(config.KAFKA_FETCH_MAX_WAIT_MS).toBeGreaterThan(loadConfig(ServiceConfig, env).KAFKA_FETCH_MAX_WAIT_MS);
  });

  it('still takes both from the environment', () => {
    const config = loadConfig(ReportingConfig, { ...env, KAFKA_FETCH_MIN_BYTES: '1', KAFKA_FETCH_MAX_WAIT_MS: '100' });
    expect(config).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 1, KAFKA_FETCH_MAX_WAIT_MS: 100 });
  });
});
