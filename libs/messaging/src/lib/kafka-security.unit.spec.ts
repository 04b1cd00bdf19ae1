import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kafkaSecurityOf, kafkaSecurityOptions } from './kafka-security';

describe('Kafka TLS and SASL settings', () => {
  it('adds nothing by default', () => {
    expect(kafkaSecurityOptions(kafkaSecurityOf({}))).toEqual({});
  });

  it('turns on TLS with the system CAs, or with a CA file', () => {
    expect(kafkaSecurityOptions(kafkaSecurityOf({ KAFKA_SSL: true }))).toEqual({ ssl: true });
    const ca = path.join(mkdtempSync(path.join(tmpdir(), 'kafka-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    expect(kafkaSecurityOptions(kafkaSecurityOf({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: ca }))).toEqual({
      ssl: { ca: ['-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n'] },
    });
  });

  it.each(['scram-sha-256', 'scram-sha-512', 'plain'] as const)('passes SASL %s with the service credentials', (mechanism) => {
    const options = kafkaSecurityOptions(
      kafkaSecurityOf({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'licensing', KAFKA_SASL_PASSWORD: 'pw' }),
    );
    expect(options).toEqual({ ssl: true, sasl: { mechanism, username: 'licensing', password: 'pw' } });
  });
});
