import { OffsetCommitter, PartitionOffset } from './offset-committer';

const at = (topic: string, partition: number, offset: number): PartitionOffset => ({ topic, partition, offset: String(offset) });

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('commits the first offset at once, then the latest of every partition at most once per interval, in one request', async () => {
    const commits: PartitionOffset[][] = [];
    const committer = new OffsetCommitter(async (offsets) => void commits.push(offsets), 250);
    await committer.stage(at('a', 0, 1));
    expect(commits).toEqual([[at('a', 0, 1)]]);

    await committer.stage(at('a', 0, 2));
    await committer.stage(at('a', 0, 3));
    await committer.stage(at('a', 1, 7));
    await committer.stage(at('b', 0, 4));
    expect(commits).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(250);
    expect(commits).toEqual([[at('a', 0, 1)], [at('a', 0, 3), at('a', 1, 7), at('b', 0, 4)]]);
    expect(committer.staged).toBe(0);
  });

  it('flush commits what is staged now (a stop), and nothing when nothing is', async () => {
    const commits: PartitionOffset[][] = [];
    const committer = new OffsetCommitter(async (offsets) => void commits.push(offsets), 60_000);
    await committer.stage(at('a', 0, 1));
    await committer.stage(at('a', 0, 2));
    await committer.flush();
    await committer.flush();
    expect(commits).toEqual([[at('a', 0, 1)], [at('a', 0, 2)]]);
  });

  it('puts the offsets of a failed commit back, unless a newer one came meanwhile, and tries again', async () => {
    const commits: PartitionOffset[][] = [];
    let fail = true;
    const errors: unknown[] = [];
    const committer = new OffsetCommitter(
      async (offsets) => {
        if (fail) throw new Error('coordinator moved');
        commits.push(offsets);
      },
      100,
      (error) => errors.push(error),
    );
    await expect(committer.stage(at('a', 0, 5))).rejects.toThrow('coordinator moved');
    await committer.stage(at('a', 1, 9));
    fail = false;
    await jest.advanceTimersByTimeAsync(100);
    expect(commits).toHaveLength(1);
    expect(commits[0]).toHaveLength(2);
    expect(commits[0]).toEqual(expect.arrayContaining([at('a', 0, 5), at('a', 1, 9)]));

    fail = true;
    await committer.stage(at('a', 0, 6)); // staged, the interval not over
    await jest.advanceTimersByTimeAsync(100); // fails in the timer: reported, kept
    expect(errors).toHaveLength(1);
    await committer.stage(at('a', 0, 8)); // newer than the failed 6
    fail = false;
    await jest.advanceTimersByTimeAsync(100);
    expect(commits.at(-1)).toEqual([at('a', 0, 8)]);
  });

  it('forgets the partitions another member owns after a rebalance', async () => {
    const commits: PartitionOffset[][] = [];
    const committer = new OffsetCommitter(async (offsets) => void commits.push(offsets), 1_000);
    await committer.stage(at('a', 0, 1));
    await committer.stage(at('a', 0, 2));
    await committer.stage(at('a', 1, 3));
    committer.retain((topic, partition) => topic === 'a' && partition === 1);
    await committer.flush();
    expect(commits).toEqual([[at('a', 0, 1)], [at('a', 1, 3)]]);
  });
});
