export * from './lib/stream/sse-parser';
export * from './lib/stream/summary-stream';
export * from './lib/stream/summary-stream-service';
export * from './lib/series/outcomes';
export * from './lib/series/sell-through-series';
export * from './lib/chart/sell-through-announcer';
export * from './lib/chart/sell-through-plots';
export * from './lib/chart/sell-through-chart';
