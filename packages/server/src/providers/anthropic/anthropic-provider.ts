/** Claude through the Anthropic Messages API, translated to and from the OpenAI chat shapes. */

import { childCancellation } from '../../core/cancellation.js'
import type { CallOptions, ChatCompletion, ChatRequest, ProviderV1 } from '../../core/provider.js'
import {
  type FetchFunction,
  invalidResponse,
  joinUrl,
  postJson,
  readJsonBody,
  type Upstream,
  webFetch,
} from '../provider-http.js'
import { chatStreamOf } from '../provider-stream.js'
import { toAnthropicRequest } from './anthropic-request.js'
import { fromAnthropicMessage } from './anthropic-response.js'
import { anthropicChunks } from './anthropic-stream.js'
import type { AnthropicResponse } from './anthropic-types.js'

export interface AnthropicOptions {
  /** The name the config gives this provider, e.g. `claude`. */
  id: string
  apiKey: string
  /** Default `https://api.anthropic.com/v1`. */
  baseUrl?: string
  /** The `anthropic-version` header (default `2023-06-01`). */
  version?: string
  /** `max_tokens` when the request sets none; Anthropic requires one (default 4096). */
  maxTokens?: number
  headers?: Record<string, string>
  fetch?: FetchFunction
  /** Unix seconds for `created` (default: the system clock). */
  now?: () => number
}

export function createAnthropic(options: AnthropicOptions): ProviderV1 {
  const fetch = options.fetch ?? webFetch
  const baseUrl = options.baseUrl ?? 'https://api.anthropic.com/v1'
  const defaults = { maxTokens: options.maxTokens ?? 4096 }
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const headers = {
    ...options.headers,
    'x-api-key': options.apiKey,
    'anthropic-version': options.version ?? '2023-06-01',
  }
  const upstream = (model: string): Upstream => ({
    target: `${options.id}/${model}`,
    fetch,
    secrets: [options.apiKey],
  })
  const url = joinUrl(baseUrl, 'messages')

  return {
    specificationVersion: 'v1',
    id: options.id,
    type: 'anthropic',

    async chat(request: ChatRequest, call: CallOptions): Promise<ChatCompletion> {
      const to = upstream(call.model)
      const plan = toAnthropicRequest(request, call.model, defaults, to.target)
      const response = await postJson(to, url, plan.body, headers, call.signal)
      const message = (await readJsonBody(response, to, call.signal)) as AnthropicResponse
      if (!Array.isArray(message?.content)) throw invalidResponse(to.target, 'no content')
      return fromAnthropicMessage(message, plan.jsonTool, now())
    },

    async chatStream(request: ChatRequest, call: CallOptions) {
      const to = upstream(call.model)
      const plan = toAnthropicRequest(request, call.model, defaults, to.target)
      const { cancellation: controller, release } = childCancellation(call.signal)
      try {
        const response = await postJson(to, url, { ...plan.body, stream: true }, headers, controller)
        const chunks = anthropicChunks(response, to, controller, release, {
          jsonTool: plan.jsonTool,
          includeUsage: request.stream_options?.include_usage === true,
          created: now(),
        })
        return chatStreamOf(chunks, controller, release)
      } catch (error) {
        release()
        throw error
      }
    },
  }
}
