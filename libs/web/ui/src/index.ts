export * from './lib/countdown/countdown';
export * from './lib/countdown/duration';
export * from './lib/drop-state-badge/drop-state-badge';
export * from './lib/instant/instant';
export * from './lib/money/money';
export * from './lib/not-found/not-found';
export * from './lib/stock-meter/stock-meter';
export * from './lib/stock-meter/stock-announcer';
