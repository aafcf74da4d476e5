/** A version's quality and input drift in the statistics extension's shape (`quality`, `input_drift`). */
import type { components } from '@modelport/sdk'
import type { VersionQuality } from './quality-monitor.js'

type Schemas = components['schemas']

const defined = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

export function qualityStatistics(
  quality: VersionQuality,
): Pick<Schemas['ModelStatistics'], 'quality' | 'input_drift'> {
  const { tally } = quality
  return {
    quality: defined({
      labels: tally.labels,
      accuracy: tally.accuracy,
      values: tally.values,
      mean_absolute_error: tally.meanAbsoluteError,
      root_mean_squared_error: tally.rootMeanSquaredError,
      scores: tally.scores,
      mean_score: tally.meanScore,
    }),
    input_drift: [...quality.inputs].map(([name, drift]) => ({
      name,
      ...(drift.reference && { reference: { ...drift.reference } }),
      live: drift.live,
      out_of_range: drift.outOfRangeShare,
    })),
  }
}
