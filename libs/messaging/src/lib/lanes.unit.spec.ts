import { Lanes } from './lanes';

/** A piece of work that runs until `finish()` is called, recording when it ran. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Lanes', () => {
  it('runs the work of one lane one at a time, in the order offered', async () => {
    const log: string[] = [];
    const lanes = new Lanes();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = lanes.run(0, a.work);
    const second = lanes.run(0, b.work);
    await settle();
    expect(log).toEqual(['start a']);
    a.finish();
    await first;
    await settle();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.finish();
    await second;
    await settle();
    expect(lanes.busy).toBe(0);
  });

  it('runs different lanes at once', async () => {
    const log: string[] = [];
    const lanes = new Lanes();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const runs = [lanes.run(0, a.work), lanes.run(1, b.work)];
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    expect(lanes.busy).toBe(2);
    b.finish();
    a.finish();
    await Promise.all(runs);
  });

  it('a failure rejects only its own caller; the lane goes on', async () => {
    const log: string[] = [];
    const lanes = new Lanes();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = lanes.run(2, a.work);
    const second = lanes.run(2, b.work);
    a.fail(new Error('poison'));
    await expect(first).rejects.toThrow('poison');
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    await expect(second).resolves.toBeUndefined();
  });
});
