/** The Open Inference Protocol's statistics extension: counts and times per model version since the server started. */
import type { RequestOptions } from '../client.js'
import type { components } from '../generated/openapi.js'
import type { Modelport } from '../index.js'
import { modelPath } from '../infer.js'
import { send } from './send.js'

type Schemas = components['schemas']
export type StatisticsResponse = Schemas['StatisticsResponse']
export type ModelStatistics = Schemas['ModelStatistics']
export type InferenceStatistics = Schemas['InferenceStatistics']
export type BatchStatistics = Schemas['BatchStatistics']
export type DurationStatistic = Schemas['DurationStatistic']

/** Which statistics: every model's (`{}`), one model's versions, or one version's. */
export type StatisticsScope = { model?: undefined; version?: undefined } | { model: string; version?: string }

/**
 * Statistics of every model, of one model's versions, or of one version: `{ model_stats: [...] }`, one
 * entry per version.
 *
 * @example
 * const { model_stats } = await modelStatistics(mp, { model: 'simplenet' })
 * const success = model_stats[0]?.inference_stats.success
 */
export function modelStatistics(mp: Modelport, scope: StatisticsScope = {}, opts?: RequestOptions) {
  const { model, version } = scope
  if (model === undefined && version !== undefined)
    throw new TypeError(`modelStatistics(): version '${version}' needs the model it is a version of.`)
  return send<StatisticsResponse>(mp, 'modelStatistics', {
    ...opts,
    method: 'GET',
    path: model === undefined ? '/v2/models/stats' : `${modelPath(model, version)}/stats`,
  })
}
