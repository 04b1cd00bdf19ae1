/** The next offset to read of one topic-partition (Kafka's committed offset: last processed + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Coalesces offset commits: the consumer stages the next offset of a partition after each chunk
 * it committed to the database, and at most every `intervalMs` one OffsetCommit request carries
 * the latest offset of every partition staged since.
 *
 * A commit per chunk was one broker request (and a write to `__consumer_offsets`) per message at
 * low load, the broker's busiest request type. Committing later is safe because the offset only
 * says where a restarted reader begins: every staged offset belongs to a chunk whose effects and
 * inbox rows are already committed, so what a crash or a rebalance redelivers (at most
 * `intervalMs` of messages) is skipped by the inbox.
 *
 * A failed commit puts its offsets back unless a newer one was staged meanwhile; `retain` drops
 * the partitions this member no longer owns after a rebalance, so it never moves back the offset
 * of a partition another member now consumes.
 */
export class OffsetCommitter {
  private pending = new Map<string, PartitionOffset>();
  private timer?: NodeJS.Timeout;
  private lastCommitAt = 0;
  private flushing?: Promise<void>;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Stages a partition's next offset; commits now (`via`, if given) if the last commit is `intervalMs` old. */
  async stage(offset: PartitionOffset, via?: (offsets: PartitionOffset[]) => Promise<void>): Promise<void> {
    this.pending.set(keyOf(offset), offset);
    const wait = this.lastCommitAt + this.intervalMs - Date.now();
    if (wait <= 0) return this.flush(via);
    this.timer ??= setTimeout(() => void this.flush().catch(this.onError), wait);
  }

  /**
   * Commits everything staged (one request); concurrent callers share it. Throws its error.
   * `via` sends it another way than the usual commit (a batch that ends while its consumer
   * stops: kafkajs refuses the consumer's own commit then, but not the batch's).
   */
  async flush(via?: (offsets: PartitionOffset[]) => Promise<void>): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.lastCommitAt = Date.now();
    this.flushing = (via ?? this.commit)([...batch.values()]).catch((error: unknown) => {
      for (const [key, offset] of batch) if (!this.pending.has(key)) this.pending.set(key, offset);
      this.timer ??= setTimeout(() => void this.flush().catch(this.onError), this.intervalMs);
      throw error;
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** After a rebalance: forget staged offsets of partitions this member was not given again. */
  retain(owned: (topic: string, partition: number) => boolean): void {
    for (const [key, offset] of this.pending) if (!owned(offset.topic, offset.partition)) this.pending.delete(key);
  }

  /** Offsets staged and not yet committed (tests, metrics). */
  get staged(): number {
    return this.pending.size;
  }

  /** Stops the timer without committing (the process is going down hard, or after the last flush). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function keyOf({ topic, partition }: PartitionOffset): string {
  return `${topic}\u0000${partition}`;
}
