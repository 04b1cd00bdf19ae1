import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Admin, Kafka } from 'kafkajs';
import { KAFKA } from './service-definition';

/** Healthy when the broker answers a metadata request within the timeout. */
@Injectable()
export class KafkaHealthIndicator {
  private admin?: Admin;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs = 3_000) {
    const indicator = this.indicators.check(key);
    try {
      this.admin ??= this.kafka.admin();
      const cluster = await withTimeout(
        this.admin.connect().then(() => this.admin!.describeCluster()),
        timeoutMs,
      );
      return indicator.up({ brokers: cluster.brokers.length, controller: cluster.controller });
    } catch (error) {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
      return indicator.down({ message: (error as Error).message });
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}
