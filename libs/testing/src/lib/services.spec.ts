import { describeWithServices } from './services';

describe('describeWithServices', () => {
  const nobody = { name: 'Nothing', host: '127.0.0.1', port: 1 };
  const ci = process.env['CI'];
  afterEach(() => {
    if (ci === undefined) delete process.env['CI'];
    else process.env['CI'] = ci;
  });

  it('never skips under CI=true: a missing service must fail the specs that need it', () => {
    process.env['CI'] = 'true';
    expect(describeWithServices(nobody)).toBe(describe);
  });

  it('skips with a warning naming the service elsewhere', () => {
    delete process.env['CI'];
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(describeWithServices(nobody)).toBe(describe.skip);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Nothing (127.0.0.1:1) not reachable'));
    } finally {
      warn.mockRestore();
    }
  });
});
