import { GroupCommit } from './group-commit';

/** A commit that returns only when the test says so, recording each batch it was given. */
function heldCommit() {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const commit = (commands: readonly number[]) => {
    batches.push([...commands]);
    return new Promise<number[]>((done) => release.push(() => done(commands.map((c) => c * 10))));
  };
  return { commit, batches, release };
}

const turn = () => new Promise<void>((done) => setImmediate(done));

describe('GroupCommit', () => {
  it('a lone command goes at once; while a batch is in flight, arrivals wait and go together next', async () => {
    const { commit, batches, release } = heldCommit();
    const group = new GroupCommit(commit, 100);
    const first = group.enqueue(1);
    await turn();
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((c) => group.enqueue(c));
    await turn();
    // One batch in flight at a time: the next waits for the first to return.
    expect(batches).toEqual([[1]]);
    expect(group.queued).toBe(3);
    release[0]();
    expect(await first).toBe(10);
    await turn();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    release[1]();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    await group.drained();
    expect(group.stats).toEqual({ batches: 2, commands: 4, largest: 3 });
  });

  it('no batch is larger than the maximum; the rest go next, in arrival order', async () => {
    const { commit, batches, release } = heldCommit();
    const group = new GroupCommit(commit, 2);
    const outcomes = Promise.all([1, 2, 3, 4, 5].map((c) => group.enqueue(c)));
    for (let i = 0; i < 3; i++) {
      await turn();
      release[i]();
      await turn();
    }
    expect(await outcomes).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a failed batch fails every command in it alike, and the next batch still goes', async () => {
    const fault = new Error('connection lost');
    let calls = 0;
    const group = new GroupCommit<number, number>(async (commands) => {
      calls++;
      if (calls === 1) throw fault;
      return commands.map((c) => c);
    }, 10);
    const failed = [1, 2].map((c) => group.enqueue(c).catch((e: unknown) => e));
    expect(await Promise.all(failed)).toEqual([fault, fault]);
    expect(await group.enqueue(3)).toBe(3);
  });

  it('a batch answered with the wrong number of outcomes fails every command in it', async () => {
    const group = new GroupCommit<number, number>(async () => [1], 10);
    const errors = await Promise.all([1, 2].map((c) => group.enqueue(c).catch((e: unknown) => e)));
    expect(errors.every((e) => e instanceof Error && /2 came back with 1/.test(e.message))).toBe(true);
  });
});
