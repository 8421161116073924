import { lateBound } from './late-bound';

describe('lateBound', () => {
  class Counter {
    count = 1;
    next(): number {
      return ++this.count;
    }
  }

  it('reads every property, and calls every method, on the value of the moment', () => {
    let current: Counter | undefined;
    const counter = lateBound('The counter', () => current);
    current = new Counter();
    expect(counter.next()).toBe(2);
    expect(counter.count).toBe(2);
    current = new Counter();
    expect(counter.count).toBe(1);
  });

  it('fails clearly before the value exists, and is never taken for a promise', async () => {
    const early = lateBound<Counter>('The counter', () => undefined);
    expect(() => early.count).toThrow('The counter is set up in beforeAll: use it in a hook or a test');
    await expect(Promise.resolve(early)).resolves.toBe(early);
  });
});
