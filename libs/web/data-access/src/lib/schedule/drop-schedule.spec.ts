import { effectiveDropState, nextScheduleBoundary, ServerDropView } from './drop-schedule';

const OPEN = Date.parse('2030-01-01T10:00:00.000Z');
const CLOSE = Date.parse('2030-01-01T12:00:00.000Z');
const schedule = { startsAt: '2030-01-01T10:00:00.000Z', endsAt: '2030-01-01T12:00:00.000Z' };
const view = (state: ServerDropView['state'], askedAtMs: number, available = 10): ServerDropView => ({
  state,
  available,
  askedAtMs,
});

describe('effectiveDropState', () => {
  it('keeps an upcoming drop upcoming until the opening, then opens it by the clock', () => {
    const answer = view('upcoming', OPEN - 60_000);
    expect(effectiveDropState(answer, schedule, OPEN - 1)).toBe('upcoming');
    expect(effectiveDropState(answer, schedule, OPEN)).toBe('live');
  });

  it('opens straight into sold out when nothing is available', () => {
    expect(effectiveDropState(view('upcoming', OPEN - 1000, 0), schedule, OPEN)).toBe('sold_out');
  });

  it('believes an "upcoming" asked after the opening (server clock behind, or the drop moved)', () => {
    expect(effectiveDropState(view('upcoming', OPEN + 500), schedule, OPEN + 1000)).toBe('upcoming');
  });

  it('believes the server when it is already live before our clock says so', () => {
    expect(effectiveDropState(view('live', OPEN - 2000), schedule, OPEN - 1000)).toBe('live');
  });

  it('ends a live or sold-out drop at endsAt by the clock', () => {
    expect(effectiveDropState(view('live', CLOSE - 5000), schedule, CLOSE - 1)).toBe('live');
    expect(effectiveDropState(view('live', CLOSE - 5000), schedule, CLOSE)).toBe('ended');
    expect(effectiveDropState(view('sold_out', CLOSE - 5000, 0), schedule, CLOSE)).toBe('ended');
  });

  it('never overrides paused or ended', () => {
    expect(effectiveDropState(view('paused', OPEN - 1000), schedule, CLOSE + 1)).toBe('paused');
    expect(effectiveDropState(view('ended', OPEN - 1000), schedule, OPEN - 1)).toBe('ended');
  });

  it('leaves unscheduled drops to the server', () => {
    const none = { startsAt: null, endsAt: null };
    expect(effectiveDropState(view('live', 0), none, CLOSE)).toBe('live');
    expect(effectiveDropState(view('upcoming', 0), none, CLOSE)).toBe('upcoming');
  });
});

describe('nextScheduleBoundary', () => {
  it('ticks every second before the opening, every minute towards the end, then never', () => {
    expect(nextScheduleBoundary(schedule, OPEN - 1)).toEqual({ atMs: OPEN, stepMs: 1000 });
    expect(nextScheduleBoundary(schedule, OPEN)).toEqual({ atMs: CLOSE, stepMs: 60_000 });
    expect(nextScheduleBoundary(schedule, CLOSE)).toBeNull();
    expect(nextScheduleBoundary({ startsAt: null, endsAt: null }, OPEN)).toBeNull();
  });
});
