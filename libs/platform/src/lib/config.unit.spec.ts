import { ConfigError, ServiceConfig, loadConfig } from './config';

const valid = {
  PORT: '3003',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/comms_credits_pool_ledger',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('loadConfig', () => {
  it('types and defaults the settings', () => {
    const config = loadConfig(ServiceConfig, valid);
    expect(config).toMatchObject({ PORT: 3003, KAFKA_TOPIC_PARTITIONS: 3, LOG_LEVEL: 'info' });
  });

  it('names a missing setting', () => {
    const { KAFKA_BROKERS: _omitted, ...rest } = valid;
    expect(() => loadConfig(ServiceConfig, rest)).toThrow(ConfigError);
    expect(() => loadConfig(ServiceConfig, rest)).toThrow(/KAFKA_BROKERS \(missing\)/);
  });

  it('names a bad setting and shows its value', () => {
    expect(() => loadConfig(ServiceConfig, { ...valid, PORT: 'eighty' })).toThrow(/PORT \(got "eighty"\)/);
    expect(() => loadConfig(ServiceConfig, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
  });

  it('uses defaults given by the service where the environment is silent', () => {
    const config = loadConfig(ServiceConfig, { ...valid, PORT: undefined }, { PORT: 3004 });
    expect(config.PORT).toBe(3004);
  });
});
