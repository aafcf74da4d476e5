/** Checks on a target and its answer that the router applies whatever the provider. */

import type { EmbeddingsResponse } from '../core/provider.js'
import { ProviderError } from '../providers/provider-error.js'
import type { RouteTarget } from './route.js'

export function unsupported(target: RouteTarget, what: string): ProviderError {
  return new ProviderError('unsupported_request', target.key, `${target.key} does not serve ${what}.`, {
    status: 400,
  })
}

/** One vector per input, each of the route's size: a target that answers otherwise is not in its space. */
export function checkVectors(
  answer: EmbeddingsResponse,
  target: RouteTarget,
  count: number,
  dimensions?: number,
): void {
  const problem =
    answer.data.length !== count
      ? `${answer.data.length} vectors for ${count} inputs`
      : dimensions !== undefined && answer.data.some((item) => item.embedding.length !== dimensions)
        ? `vectors of ${answer.data[0]?.embedding.length} dimensions where the route gives ${dimensions}`
        : undefined
  if (problem) {
    throw new ProviderError(
      'invalid_response',
      target.key,
      `${target.key} sent an invalid answer: ${problem}.`,
      {
        isRetryable: false,
      },
    )
  }
}
