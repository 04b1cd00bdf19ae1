import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';

export interface OutgoingMessage {
  topic: string;
  /** Partition key: the tenant id, so one tenant's messages stay in order. */
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/** The port services publish through; kafkajs stays behind it. */
export interface MessagePublisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}

/**
 * An idempotent kafkajs producer (acks=all, one request in flight, so broker-side retries
 * neither duplicate nor reorder). `publish` resolves when every message is acknowledged.
 */
export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  /** `topicPrefix` namespaces every topic (tests use one per run of services); empty in production. */
  constructor(
    kafka: Kafka,
    private readonly topicPrefix = '',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic);
      if (list) list.push(message);
      else byTopic.set(message.topic, [message]);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: this.topicPrefix + topic,
        messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
