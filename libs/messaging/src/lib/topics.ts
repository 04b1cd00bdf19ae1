import { Kafka } from 'kafkajs';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
}

/**
 * Creates the topics that are missing (never relies on auto-creation: a KRaft broker answers
 * "does not host this topic-partition" to a consumer that subscribed too early) and waits for
 * their leaders. Idempotent.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], settings: TopicSettings): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: settings.partitions,
            replicationFactor: settings.replicationFactor,
          })),
        });
      } catch (error) {
        // Another process may have created them in between: that is what we wanted.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
