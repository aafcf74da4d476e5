/**
 * Rollout metrics, read from the rollouts when scraped: runs per model, version and role (stable,
 * canary, shadow) and how they ended, their run time, the traffic weights in force, and rollbacks.
 * Node only, beside `prometheus-metrics.ts`, into the same prom-client registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Rollouts } from '../rollout/rollouts.js'

export function registerRolloutMetrics(registry: Registry, rollouts: Rollouts, models: () => string[]): void {
  const registers = [registry]
  new Counter({
    name: 'modelport_rollout_runs_total',
    help: 'Runs of unpinned requests while a rollout is under way, by model, version, role (stable, canary, shadow) and outcome.',
    labelNames: ['model', 'version', 'role', 'outcome'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, version, role, successes, failures } of rollouts.counters.runs()) {
        this.inc({ model, version, role, outcome: 'success' }, successes)
        this.inc({ model, version, role, outcome: 'failure' }, failures)
      }
    },
  })
  new Counter({
    name: 'modelport_rollout_run_seconds_total',
    help: 'Time those runs took, summed, by model, version and role.',
    labelNames: ['model', 'version', 'role'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, version, role, seconds } of rollouts.counters.runs())
        this.inc({ model, version, role }, seconds)
    },
  })
  new Gauge({
    name: 'modelport_rollout_weight',
    help: "The share of a model's unpinned requests each version answers (stable, canary), or is sent a copy of (shadow).",
    labelNames: ['model', 'version', 'role'] as const,
    registers,
    collect() {
      this.reset()
      for (const model of models()) {
        const { stable, canary, shadow } = rollouts.describe(model).settings
        if (stable === undefined) continue
        this.set({ model, version: stable, role: 'stable' }, 1 - (canary?.weight ?? 0))
        if (canary) this.set({ model, version: canary.version, role: 'canary' }, canary.weight)
        if (shadow) this.set({ model, version: shadow.version, role: 'shadow' }, shadow.share)
      }
    },
  })
  new Counter({
    name: 'modelport_rollout_rollbacks_total',
    help: 'Candidates rolled back, by model and reason (error_rate, p99_latency, manual).',
    labelNames: ['model', 'reason'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, reason, count } of rollouts.counters.rollbacks()) this.inc({ model, reason }, count)
    },
  })
  new Counter({
    name: 'modelport_rollout_shadow_skipped_total',
    help: 'Shadow runs skipped because as many as allowed were already under way.',
    registers,
    collect() {
      this.reset()
      this.inc(rollouts.counters.shadowSkipped)
    },
  })
}
