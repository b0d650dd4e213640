export { VigilMetrics, LATENCY_BUCKETS, COMMIT_BUCKETS } from './vigil-metrics.js';
export { bucketsOf, histogramQuantile, type BucketCount } from './quantile.js';
