import { ConfigError, ServiceConfig, loadConfig, redactUrlPassword } from './config';

const base = { PORT: 3000, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/db', KAFKA_BROKERS: 'localhost:9092' };

describe('settings never echo a secret', () => {
  it('hides the password of a bad DATABASE_URL', () => {
    let message = '';
    try {
      loadConfig(ServiceConfig, { ...base, DATABASE_URL: 'postgres://admin:s3cr3t-P@ss@db.example.com:5432/bad name' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('postgres://admin:***@db.example.com');
    expect(message).not.toMatch(/s3cr3t|P@ss/);
  });

  it('hides the SASL password', () => {
    expect(() => loadConfig(ServiceConfig, { ...base, KAFKA_SASL_MECHANISM: 'md5', KAFKA_SASL_PASSWORD: 'hunter2' })).toThrow(/KAFKA_SASL_MECHANISM/);
    try {
      loadConfig(ServiceConfig, { ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'x'.repeat(2000) });
    } catch (error) {
      expect((error as Error).message).not.toContain('xxxx');
    }
  });

  it('redacts URL passwords in any text', () => {
    expect(redactUrlPassword('connect postgres://u:p@h/db and amqp://a:b@c')).toBe('connect postgres://u:***@h/db and amqp://a:***@c');
    expect(redactUrlPassword('postgres://u@h/db')).toBe('postgres://u@h/db');
  });

  it('reads the Kafka security settings', () => {
    const config = loadConfig(ServiceConfig, {
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'licensing',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(config.KAFKA_SSL).toBe(true);
    expect(loadConfig(ServiceConfig, base).KAFKA_SSL).toBe(false);
    expect(() => loadConfig(ServiceConfig, { ...base, KAFKA_SASL_MECHANISM: 'plain' })).toThrow(
      /KAFKA_SASL_USERNAME.*\n.*KAFKA_SASL_PASSWORD|KAFKA_SASL_USERNAME/,
    );
    expect(() => loadConfig(ServiceConfig, { ...base, KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL/);
  });
});
