import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** design.md "Access": TLS and SASL to the brokers, the same for every client a process makes. */
export interface KafkaSecurity {
  /** TLS to the brokers. */
  ssl?: boolean;
  /** PEM of the CA that signed the brokers' certificates (default: the system's CAs). */
  caFile?: string;
  sasl?: {
    mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain';
    username: string;
    password: string;
  };
}

/** The kafkajs `ssl` and `sasl` options of a security setting (nothing when it is empty). */
export function kafkaSecurityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.ssl) options.ssl = security.caFile ? { ca: [readFileSync(security.caFile, 'utf8')] } : true;
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism, username, password } as SASLOptions;
  }
  return options;
}

/** The security of the `KAFKA_SSL`, `KAFKA_SSL_CA_FILE`, `KAFKA_SASL_*` settings. */
export function kafkaSecurityOf(settings: {
  KAFKA_SSL?: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'scram-sha-256' | 'scram-sha-512' | 'plain';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}): KafkaSecurity {
  return {
    ssl: settings.KAFKA_SSL === true,
    ...(settings.KAFKA_SSL_CA_FILE ? { caFile: settings.KAFKA_SSL_CA_FILE } : {}),
    ...(settings.KAFKA_SASL_MECHANISM
      ? { sasl: { mechanism: settings.KAFKA_SASL_MECHANISM, username: settings.KAFKA_SASL_USERNAME ?? '', password: settings.KAFKA_SASL_PASSWORD ?? '' } }
      : {}),
  };
}
