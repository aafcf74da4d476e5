/**
 * Any server that speaks the OpenAI API: OpenAI, Groq, Together, Mistral, DeepSeek, vLLM, Ollama,
 * OpenRouter, the Hugging Face router. Requests pass through with the target's model id; fields this
 * server does not know (tools, response_format, …) travel untouched.
 */

import { childCancellation } from '../../core/cancellation.js'
import {
  type CallOptions,
  type ChatCompletion,
  type ChatRequest,
  type EmbeddingsResponse,
  type ProviderV1,
  upstreamText,
} from '../../core/provider.js'
import { decodeEmbedding } from '../embedding-base64.js'
import {
  type FetchFunction,
  failureOf,
  invalidResponse,
  joinUrl,
  postJson,
  readJsonBody,
  readJsonText,
  statusError,
  type Upstream,
  webFetch,
} from '../provider-http.js'
import { chatStreamOf } from '../provider-stream.js'
import { openAICompatibleChunks } from './openai-compatible-stream.js'

export interface OpenAICompatibleOptions {
  /** The name the config gives this provider, e.g. `groq`. */
  id: string
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer …`; left out when absent (local servers). */
  apiKey?: string
  /** Extra headers for every request (e.g. OpenRouter's `HTTP-Referer`). */
  headers?: Record<string, string>
  fetch?: FetchFunction
  /** Reported as the provider's `type` (default `openai-compatible`). */
  type?: string
}

/**
 * The body of a non-streamed chat call: the client's fields with the target's model id and `stream:
 * false`; `stream_options` dropped, which OpenAI refuses unless streaming. A plain spread unless there
 * is something to drop: destructuring the rest out copies every field through a slower path.
 */
function nonStreamed(request: ChatRequest, model: string): ChatRequest {
  if (request.stream_options === undefined) return { ...request, model, stream: false }
  const { stream_options: _, ...rest } = request
  return { ...rest, model, stream: false }
}

export function createOpenAICompatible(options: OpenAICompatibleOptions): ProviderV1 {
  const fetch = options.fetch ?? webFetch
  const secrets = options.apiKey ? [options.apiKey] : []
  const headers: Record<string, string> = { ...options.headers }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  const upstream = (model: string): Upstream => ({ target: `${options.id}/${model}`, fetch, secrets })

  /** The benchmark's `reserialization` ablation: the client's bytes up, the upstream's bytes back. */
  async function passThrough(to: Upstream, url: string, sent: string, call: CallOptions) {
    let response: Awaited<ReturnType<typeof fetch>>
    try {
      const init = { method: 'POST' as const, body: sent, signal: call.signal }
      response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...headers } })
    } catch (error) {
      throw failureOf(error, to.target, call.signal)
    }
    if (!response.ok) throw await statusError(response, to)
    const text = await response.text()
    const completion = JSON.parse(text) as ChatCompletion
    Object.defineProperty(completion, upstreamText, { value: text })
    return completion
  }

  return {
    specificationVersion: 'v1',
    id: options.id,
    type: options.type ?? 'openai-compatible',

    async chat(request: ChatRequest, call: CallOptions): Promise<ChatCompletion> {
      const to = upstream(call.model)
      const url = joinUrl(options.baseUrl, 'chat/completions')
      if (call.sentBody !== undefined) return passThrough(to, url, call.sentBody, call)
      const response = await postJson(to, url, nonStreamed(request, call.model), headers, call.signal)
      const { text, value } = await readJsonText(response, to, call.signal)
      const completion = value as ChatCompletion
      if (!Array.isArray(completion?.choices)) throw invalidResponse(to.target, 'no choices')
      // Passed on unchanged: the route answers with the upstream's bytes rather than serializing again.
      Object.defineProperty(completion, upstreamText, { value: text })
      return completion
    },

    async chatStream(request: ChatRequest, call: CallOptions) {
      const to = upstream(call.model)
      const { cancellation: controller, release } = childCancellation(call.signal)
      try {
        const body = { ...request, model: call.model, stream: true }
        const url = joinUrl(options.baseUrl, 'chat/completions')
        const response = await postJson(to, url, body, headers, controller)
        return chatStreamOf(openAICompatibleChunks(response, to, controller, release), controller, release)
      } catch (error) {
        release()
        throw error
      }
    },

    async embeddings(request, call: CallOptions): Promise<EmbeddingsResponse> {
      const to = upstream(call.model)
      const body = { ...request, model: call.model, encoding_format: 'float' }
      const response = await postJson(to, joinUrl(options.baseUrl, 'embeddings'), body, headers, call.signal)
      const answer = (await readJsonBody(response, to, call.signal)) as EmbeddingsResponse
      if (!Array.isArray(answer?.data)) throw invalidResponse(to.target, 'no data')
      const data = answer.data.map((item, index) => {
        const embedding =
          typeof item?.embedding === 'string' ? decodeEmbedding(item.embedding) : item?.embedding
        if (!Array.isArray(embedding)) throw invalidResponse(to.target, `data[${index}] has no embedding`)
        return { object: 'embedding' as const, index: item.index ?? index, embedding }
      })
      const usage = answer.usage ?? { prompt_tokens: 0, total_tokens: 0 }
      return { object: 'list', data, model: answer.model ?? call.model, usage }
    },
  }
}
