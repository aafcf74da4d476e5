/**
 * Input drift of one input of one model version: a reference (mean, standard deviation and the range
 * between its 1st and 99th percentiles) recorded from the first values the version is sent after it is
 * rolled out, then running statistics of every later value against it. Bounded: the reference keeps
 * `referenceSize` values until it is frozen, and each request adds at most `maxPerRequest` values.
 */

export interface Summary {
  count: number
  mean: number
  std: number
}

export interface Reference extends Summary {
  /** The 1st and 99th percentiles: live values outside them are counted as out of range. */
  low: number
  high: number
}

/** Welford's running mean and variance. */
class Running {
  count = 0
  mean = 0
  #m2 = 0

  add(value: number): void {
    this.count++
    const delta = value - this.mean
    this.mean += delta / this.count
    this.#m2 += delta * (value - this.mean)
  }

  get std(): number {
    return this.count < 2 ? 0 : Math.sqrt(this.#m2 / (this.count - 1))
  }
}

export class InputDrift {
  #sample: Float64Array | undefined
  #sampled = 0
  reference: Reference | undefined
  readonly #live = new Running()
  outOfRange = 0

  constructor(
    readonly referenceSize = 10_000,
    readonly maxPerRequest = 1024,
  ) {
    this.#sample = new Float64Array(referenceSize)
  }

  /** Adds the values of one request's input (its first `maxPerRequest`); non-finite values are left out. */
  add(values: ArrayLike<number | bigint>): void {
    const count = Math.min(values.length, this.maxPerRequest)
    for (let i = 0; i < count; i++) {
      const value = Number(values[i])
      if (!Number.isFinite(value)) continue
      if (this.#sample) {
        this.#sample[this.#sampled++] = value
        if (this.#sampled === this.referenceSize) this.#freeze()
        continue
      }
      this.#live.add(value)
      const reference = this.reference as Reference
      if (value < reference.low || value > reference.high) this.outOfRange++
    }
  }

  get live(): Summary {
    return { count: this.#live.count, mean: this.#live.mean, std: this.#live.std }
  }

  /** The share of live values outside the reference range (0 before any). */
  get outOfRangeShare(): number {
    return this.#live.count === 0 ? 0 : this.outOfRange / this.#live.count
  }

  #freeze(): void {
    const sample = (this.#sample as Float64Array).sort()
    this.#sample = undefined
    const running = new Running()
    for (const value of sample) running.add(value)
    const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] as number
    this.reference = {
      count: running.count,
      mean: running.mean,
      std: running.std,
      low: at(0.01),
      high: at(0.99),
    }
  }
}
