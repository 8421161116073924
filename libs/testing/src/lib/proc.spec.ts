import { isAlive, parseProcStat, procStat, signalPid } from './proc';

describe('parseProcStat', () => {
  it('reads state, parent, group and CPU ticks after a command name with spaces and parentheses', () => {
    const line =
      '4242 (node (worker) 1) S 4200 4200 4200 0 -1 4194560 1000 0 0 0 250 31 0 0 20 0 11 0 123 456 789';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      state: 'S',
      ppid: 4200,
      pgrp: 4200,
      utime: 250,
      stime: 31,
    });
  });

  it('refuses what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('not (a) stat')).toBeUndefined();
  });
});

describe('this process in /proc', () => {
  it('is found, alive and parented', () => {
    const self = procStat(process.pid);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(isAlive(process.pid)).toBe(true);
  });

  it('never signals 0, 1 or -1 (this group, init, everyone)', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      for (const pid of [0, 1, -1, Number.NaN]) signalPid(pid, 'SIGKILL');
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
    }
  });
});
