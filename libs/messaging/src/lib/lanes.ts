/**
 * Work keyed by lane runs one at a time per lane, in the order it was offered; different lanes
 * run at once. A failed piece of work fails only its own caller: the next one in the lane
 * still runs.
 *
 * The consumer's lane is the partition number. Every topic is keyed by tenant and has the same
 * partition count, so partition *i* of every topic carries the same tenants: chunks of
 * different topics but the same partition number may write the same streams (a call's stream
 * is written from `telephony.call-started`, from the stage's chain topic and from
 * `telephony.call-ended`) and must not overlap, while chunks of different partition numbers
 * touch different tenants and may.
 */
export class Lanes<K = number> {
  private readonly tails = new Map<K, Promise<void>>();

  run<T>(lane: K, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(lane) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(lane, tail);
    void tail.then(() => {
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
    });
    return result;
  }

  /** Lanes with work running or waiting (for tests and metrics). */
  get busy(): number {
    return this.tails.size;
  }
}
