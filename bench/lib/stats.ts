/** Percentiles and the result shape every scenario reports. */

export interface Measured {
  /** Responses (or calls) per second. */
  rps: number
  /** Latency percentiles in milliseconds, from per-response times. */
  p50: number
  p99: number
  requests: number
  errors: number
  /** Figures a scenario adds (e.g. the server's own queue times); medians across runs too. */
  extra?: Record<string, number>
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] as number
}

export function summarize(times: number[], seconds: number, errors: number): Measured {
  const sorted = Float64Array.from(times).sort()
  return {
    rps: times.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    requests: times.length,
    errors,
  }
}

/** The median of runs (the suite alternates A B A B and keeps each side's median). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export function combine(runs: Measured[]): Measured {
  const combined: Measured = {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  }
  const keys = Object.keys(runs[0]?.extra ?? {})
  if (keys.length > 0) {
    combined.extra = Object.fromEntries(
      keys.map((k) => [k, median(runs.map((r) => r.extra?.[k] ?? Number.NaN))]),
    )
  }
  return combined
}
