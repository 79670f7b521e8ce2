// A log-bucketed latency histogram: bucket i holds values in (G^(i-1), G^i] microseconds with
// G = 1.01, and a percentile is reported as the upper bound of its bucket (clamped to the exact
// min and max seen). So a reported percentile is at most 1% above the true sample value, never
// below it. Buckets cover 1 µs .. ~50 min; histograms of several processes merge by adding counts.

const G = 1.01;
const LN_G = Math.log(G);
const BUCKETS = 2200; // G^2200 µs ≈ 3.2e9 µs

export class LogHist {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.n = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** Records one value in microseconds. */
  add(us) {
    if (!(us >= 0)) us = 0; // NaN and negatives (clock adjustments) count as 0
    let i = us <= 1 ? 0 : Math.ceil(Math.log(us) / LN_G);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]++;
    this.n++;
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }

  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** Nearest-rank percentile in microseconds (NaN when empty). */
  percentile(p) {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const upper = i === 0 ? 1 : Math.pow(G, i);
        return Math.min(Math.max(upper, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Compact form for IPC: only the non-empty buckets. */
  toJSON() {
    const b = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) b.push(i, this.counts[i]);
    return { b, n: this.n, min: this.n ? this.min : null, max: this.n ? this.max : null };
  }

  static fromJSON(j) {
    const h = new LogHist();
    if (!j) return h;
    for (let k = 0; k < j.b.length; k += 2) h.counts[j.b[k]] = j.b[k + 1];
    h.n = j.n;
    if (j.n) {
      h.min = j.min;
      h.max = j.max;
    }
    return h;
  }
}
