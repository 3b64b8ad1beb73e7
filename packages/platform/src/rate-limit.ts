/** A token bucket per key: `perSecond` tokens flow back each second, up to `burst`. */
export interface BucketLimits {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** The burst the bucket was last filled to (a key's own limits may differ from the default). */
  burst: number;
}

/** Idle buckets are forgotten once the map grows past this, so unseen keys cannot exhaust memory. */
const SWEEP_ABOVE = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: BucketLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.limits.perSecond > 0;
  }

  /**
   * Takes `cost` tokens from `key`'s bucket: 0 when allowed, else the seconds to wait (≥ 1). `limits`
   * overrides the default for this key (e.g. a tenant's own configured rate).
   */
  take(key: string, cost: number, limits: BucketLimits = this.limits): number {
    if (!this.enabled || limits.perSecond <= 0) {
      return 0;
    }
    const now = this.now();
    const bucket = this.refill(key, now, limits);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / limits.perSecond));
  }

  /** Gives back tokens taken for a request another limit then refused. */
  refund(key: string, cost: number): void {
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(bucket.burst, bucket.tokens + cost);
    }
  }

  private refill(key: string, now: number, limits: BucketLimits): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_ABOVE) {
        this.sweep(now);
      }
      bucket = { tokens: limits.burst, at: now, burst: limits.burst };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = (now - bucket.at) / 1000;
    bucket.tokens = Math.min(limits.burst, bucket.tokens + elapsed * limits.perSecond);
    bucket.at = now;
    bucket.burst = limits.burst;
    return bucket;
  }

  /**
   * Drops buckets that have refilled completely (forgetting them changes nothing); if the map is
   * still full, drops the oldest tenth, which at worst hands those keys a fresh burst.
   */
  private sweep(now: number): void {
    const fullAfter = (this.limits.burst / this.limits.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= fullAfter) {
        this.buckets.delete(key);
      }
    }
    let excess = this.buckets.size - Math.floor(SWEEP_ABOVE * 0.9);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) {
        break;
      }
      this.buckets.delete(key);
    }
  }
}
