/**
 * `@modelport/sdk/admin`: the Open Inference Protocol's model repository and statistics extensions, as
 * functions that take a client from `createModelport` and send through it (its key, retries, timeouts,
 * typed errors and `withResponse()`). A subpath of their own, so applications that never call them do
 * not bundle them.
 *
 * @example
 * import { createModelport } from '@modelport/sdk'
 * import { loadModel, modelStatistics } from '@modelport/sdk/admin'
 *
 * const mp = createModelport({ baseUrl: 'http://localhost:8080', apiKey: adminKey })
 * await loadModel(mp, 'my-model')
 * const { model_stats } = await modelStatistics(mp, { model: 'my-model' })
 */
export {
  type FeedbackRequest,
  type FeedbackResponse,
  type InputDrift,
  type ModelQuality,
  sendFeedback,
} from './feedback.js'
export {
  loadModel,
  type RepositoryIndex,
  type RepositoryIndexEntry,
  type RepositoryIndexRequest,
  type RepositoryModelResponse,
  repositoryIndex,
  unloadModel,
} from './repository.js'
export {
  clearModelRollout,
  modelRollout,
  promoteModelRollout,
  type Rollout,
  type RolloutSettings,
  rollbackModelRollout,
  setModelRollout,
} from './rollout.js'
export {
  type BatchStatistics,
  type DurationStatistic,
  type InferenceStatistics,
  type ModelStatistics,
  modelStatistics,
  type StatisticsResponse,
  type StatisticsScope,
} from './statistics.js'
