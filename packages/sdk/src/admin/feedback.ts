/**
 * Ground truth for an earlier answer, named by its `x-request-id`: it counts toward the live quality of the
 * version that answered (accuracy, MAE/RMSE, mean score) in the statistics and the metrics.
 */
import type { RequestOptions } from '../client.js'
import type { components } from '../generated/openapi.js'
import type { Modelport } from '../index.js'
import { send } from './send.js'

type Schemas = components['schemas']
export type FeedbackRequest = Schemas['FeedbackRequest']
export type FeedbackResponse = Schemas['FeedbackResponse']
export type ModelQuality = Schemas['ModelQuality']
export type InputDrift = Schemas['InputDrift']

/**
 * Sends one `label` per row, one `value` per output element, or a `score` for the answer to request `id`.
 * A `NotFoundError` when no answer of the model waits under that id (unknown, already given feedback, or
 * older than the server's feedback window).
 *
 * @example
 * const { response } = await mp.infer('mlp', { inputs: { features } }).withResponse()
 * await sendFeedback(mp, 'mlp', { id: response.headers.get('x-request-id') ?? '', label: 3 })
 */
export const sendFeedback = (
  mp: Modelport,
  model: string,
  feedback: FeedbackRequest,
  opts?: RequestOptions,
) =>
  send<FeedbackResponse>(mp, 'sendFeedback', {
    ...opts,
    method: 'POST',
    path: `/v2/models/${encodeURIComponent(model)}/feedback`,
    json: feedback,
  })
