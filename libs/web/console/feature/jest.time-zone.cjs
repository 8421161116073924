/**
 * The console shows and reads times in the operator's zone: its specs run in one that is behind
 * UTC and has daylight saving, so a conversion that ignored the zone fails instead of passing in UTC.
 * Set here, in the parent process, because a spec's `process.env` is a sandboxed copy.
 */
module.exports = async () => {
  process.env.TZ = 'America/New_York';
};
