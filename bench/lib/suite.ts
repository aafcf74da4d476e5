/** What every scenario gets from the runner: timing settings, the load generator and an A B A B helper. */
import type { LoadJob } from './load-generator.ts'
import type { Child } from './processes.ts'
import { combine, type Measured } from './stats.ts'

export interface Suite {
  /** Seconds per measured run (each run also gets a short warm-up). */
  seconds: number
  warmupSeconds: number
  /** Alternations: each variant is measured this many times, interleaved, and the medians kept. */
  rounds: number
  load: Child
  log(line: string): void
}

export function loadJob(suite: Suite, job: Omit<LoadJob, 'seconds' | 'warmupSeconds'>): Promise<Measured> {
  return suite.load.request<Measured>({
    job: { ...job, seconds: suite.seconds, warmupSeconds: suite.warmupSeconds },
  })
}

/** Measures each variant `rounds` times, alternating A B A B, and keeps each one's medians. */
export async function alternate<K extends string>(
  suite: Suite,
  label: string,
  variants: Record<K, () => Promise<Measured>>,
): Promise<Record<K, Measured>> {
  const names = Object.keys(variants) as K[]
  const runs = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<K, Measured[]>
  for (let round = 0; round < suite.rounds; round++) {
    for (const [name, measure] of Object.entries(variants) as [K, () => Promise<Measured>][]) {
      const result = await measure()
      runs[name].push(result)
      suite.log(
        `  ${label} ${name} #${round + 1}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms${result.errors ? `, ${result.errors} errors` : ''}`,
      )
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, combine(v as Measured[])])) as Record<
    K,
    Measured
  >
}
