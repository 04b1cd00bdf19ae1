import { AssignerProtocol, PartitionAssigner } from 'kafkajs';

/** A topic-partition of the group's subscription. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Which member takes which topic-partitions: every partition NUMBER goes to one member, for all
 * topics at once (number p to the p-th member in id order, round the members). Every topic is
 * keyed by tenant with the same partition count, so partition p of each topic carries the same
 * tenants: one member then owns all of a tenant's topics, and the lanes of one process (see
 * Lanes) keep its streams from ever being written by two transactions at once, also with
 * several instances. Kafka's range assignor does the same for co-partitioned topics; kafkajs
 * ships only round robin, which splits partition p of two topics between two members.
 */
export function assignLanes(memberIds: readonly string[], partitions: readonly TopicPartition[]): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const numbers = [...new Set(partitions.map((p) => p.partition))].sort((a, b) => a - b);
  const ownerOf = new Map(numbers.map((number, i) => [number, members[i % members.length]!]));
  const assignment = new Map<string, Record<string, number[]>>(members.map((member) => [member, {}]));
  for (const { topic, partition } of [...partitions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)) {
    const topics = assignment.get(ownerOf.get(partition)!)!;
    (topics[topic] ??= []).push(partition);
  }
  return assignment;
}

/**
 * kafkajs's assigner for `assignLanes`. Consumers list it before round robin, so a group whose
 * members do not all know it yet (a rolling upgrade) still agrees on round robin.
 */
export const LaneAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'LaneAssigner',
  version: 0,
  async assign({ members, topics }) {
    const partitions = topics.flatMap((topic) => cluster.findTopicPartitionMetadata(topic).map((m) => ({ topic, partition: m.partitionId })));
    const assignment = assignLanes(
      members.map((m) => m.memberId),
      partitions,
    );
    return [...assignment].map(([memberId, topicPartitions]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: topicPartitions, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'LaneAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
