/**
 * Quantiles from a Prometheus histogram's cumulative buckets, interpolated linearly inside the bucket
 * the way PromQL's histogram_quantile does. Used by benchmarks and tests to read latency percentiles.
 */
import type { Histogram } from 'prom-client';

export interface BucketCount {
  le: number;
  count: number;
}

/** Cumulative bucket counts of an unlabelled histogram (le = Infinity last). */
export async function bucketsOf(h: Histogram): Promise<BucketCount[]> {
  const { values } = await h.get();
  return values
    .filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => ({ le: v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']), count: v.value }))
    .sort((a, b) => a.le - b.le);
}

/** The q-quantile (0..1); NaN without observations; the last finite bound when it falls in +Inf. */
export function histogramQuantile(buckets: readonly BucketCount[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket === 0 ? b.le : prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
