/**
 * What the rollouts count for the metrics, since the server started: runs per model, version and role
 * with how they ended and how long they took, rollbacks per reason, and the shadow runs under way (a
 * bound, so copies never pile up behind a slow shadow) and those skipped for it.
 */
import type { RolloutRole } from './routed-model.js'

/** Runs of one version in one role since the server started. */
export interface RoleCounts {
  model: string
  version: string
  role: RolloutRole
  successes: number
  failures: number
  /** Their run time, summed, in seconds. */
  seconds: number
}

export interface RollbackCount {
  model: string
  reason: string
  count: number
}

export class RolloutCounters {
  readonly #runs = new Map<string, RoleCounts>()
  readonly #rollbacks = new Map<string, RollbackCount>()
  #shadowRuns = 0
  /** Shadow runs skipped because as many as allowed were under way. */
  shadowSkipped = 0

  constructor(readonly maxShadowRuns: number) {}

  ran(model: string, version: string, role: RolloutRole, failed: boolean, ms: number): void {
    const key = `${model}\u0000${version}\u0000${role}`
    let counts = this.#runs.get(key)
    if (!counts) {
      counts = { model, version, role, successes: 0, failures: 0, seconds: 0 }
      this.#runs.set(key, counts)
    }
    if (failed) counts.failures++
    else counts.successes++
    counts.seconds += ms / 1000
  }

  rolledBack(model: string, reason: string): void {
    const key = `${model}\u0000${reason}`
    const counted = this.#rollbacks.get(key) ?? { model, reason, count: 0 }
    counted.count++
    this.#rollbacks.set(key, counted)
  }

  /** Whether a shadow run may start now; one that may must be released when it ends. */
  claimShadow(): boolean {
    if (this.#shadowRuns >= this.maxShadowRuns) {
      this.shadowSkipped++
      return false
    }
    this.#shadowRuns++
    return true
  }

  releaseShadow(): void {
    this.#shadowRuns--
  }

  runs(): Iterable<RoleCounts> {
    return this.#runs.values()
  }

  rollbacks(): Iterable<RollbackCount> {
    return this.#rollbacks.values()
  }
}
