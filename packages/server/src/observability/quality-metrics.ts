/**
 * Quality metrics, read from the quality monitor when scraped: live accuracy, errors and scores per
 * model version from feedback, answers waiting for feedback, and input drift against each version's
 * reference. Node only, beside `prometheus-metrics.ts`, into the same prom-client registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { InputDrift, Reference } from '../quality/input-drift.js'
import type { QualityMonitor, VersionQuality } from '../quality/quality-monitor.js'

type Labels = { model: string; version: string }

export function registerQualityMetrics(registry: Registry, quality: QualityMonitor): void {
  const registers = [registry]
  /** A gauge per version, set from `read` where it gives a figure. */
  const perVersion = (name: string, help: string, read: (q: VersionQuality) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['model', 'version'] as const,
      registers,
      collect() {
        this.reset()
        for (const q of quality.versions()) {
          const value = read(q)
          if (value !== undefined) this.set({ model: q.model, version: q.version } satisfies Labels, value)
        }
      },
    })
  perVersion(
    'modelport_model_accuracy',
    'Share of labelled rows the version got right, from feedback.',
    (q) => q.tally.accuracy,
  )
  perVersion(
    'modelport_model_mean_absolute_error',
    "Mean absolute error of the version's outputs against the true values sent as feedback.",
    (q) => q.tally.meanAbsoluteError,
  )
  perVersion(
    'modelport_model_root_mean_squared_error',
    "Root mean squared error of the version's outputs against the true values sent as feedback.",
    (q) => q.tally.rootMeanSquaredError,
  )
  perVersion(
    'modelport_model_mean_score',
    "Mean of the scores sent as feedback on the version's answers.",
    (q) => q.tally.meanScore,
  )
  new Counter({
    name: 'modelport_feedback_total',
    help: 'Feedback counted per version, by kind: rows labelled, elements valued, answers scored.',
    labelNames: ['model', 'version', 'kind'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, version, tally } of quality.versions()) {
        this.inc({ model, version, kind: 'label' }, tally.labels)
        this.inc({ model, version, kind: 'value' }, tally.values)
        this.inc({ model, version, kind: 'score' }, tally.scores)
      }
    },
  })
  new Gauge({
    name: 'modelport_feedback_pending',
    help: 'Answers waiting for feedback (bounded by the window and the capacity).',
    registers,
    collect() {
      this.set(quality.pending.waiting)
    },
  })
  new Counter({
    name: 'modelport_feedback_expired_total',
    help: 'Answers forgotten without feedback: older than the window, or pushed out by newer ones.',
    registers,
    collect() {
      this.reset()
      this.inc(quality.pending.expired)
    },
  })
  type Drift = { model: string; version: string; input: string; stats: InputDrift; reference: Reference }
  /** Every followed input whose reference is recorded. */
  function* referenced(): Generator<Drift> {
    for (const { model, version, inputs } of quality.versions())
      for (const [input, stats] of inputs)
        if (stats.reference) yield { model, version, input, stats, reference: stats.reference }
  }
  const byBasis = (name: string, help: string, read: (summary: { mean: number; std: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['model', 'version', 'input', 'basis'] as const,
      registers,
      collect() {
        this.reset()
        for (const { model, version, input, stats, reference } of referenced()) {
          this.set({ model, version, input, basis: 'reference' }, read(reference))
          this.set({ model, version, input, basis: 'live' }, read(stats.live))
        }
      },
    })
  byBasis(
    'modelport_input_mean',
    "Mean of an input's values: the version's reference, and live since.",
    (s) => s.mean,
  )
  byBasis('modelport_input_std', "Standard deviation of an input's values: reference and live.", (s) => s.std)
  new Gauge({
    name: 'modelport_input_out_of_range_ratio',
    help: "Share of an input's live values outside its reference's 1st-99th percentile range (about 0.02 without drift).",
    labelNames: ['model', 'version', 'input'] as const,
    registers,
    collect() {
      this.reset()
      for (const { model, version, input, stats } of referenced())
        this.set({ model, version, input }, stats.outOfRangeShare)
    },
  })
}
