/**
 * Hugging Face Inference Providers: chat through the router's OpenAI-compatible endpoint, embeddings
 * through the feature-extraction pipeline. Both base URLs are options, so tests point them at loopback.
 */

import type { ProviderV1 } from '../../core/provider.js'
import { createOpenAICompatible } from '../openai-compatible/index.js'
import { type FetchFunction, joinUrl, type Upstream, webFetch } from '../provider-http.js'
import { featureExtraction } from './huggingface-feature-extraction.js'

export interface HuggingFaceOptions {
  /** The name the config gives this provider, e.g. `hf`. */
  id: string
  /** A Hugging Face token (`hf_…`). */
  apiKey?: string
  /** Chat, OpenAI-compatible (default `https://router.huggingface.co/v1`). */
  baseUrl?: string
  /** Feature extraction: `<url>/<model>/pipeline/feature-extraction` (default `https://router.huggingface.co/hf-inference/models`). */
  featureExtractionUrl?: string
  fetch?: FetchFunction
}

export function createHuggingFace(options: HuggingFaceOptions): ProviderV1 {
  const fetch = options.fetch ?? webFetch
  const chat = createOpenAICompatible({
    id: options.id,
    type: 'huggingface',
    baseUrl: options.baseUrl ?? 'https://router.huggingface.co/v1',
    apiKey: options.apiKey,
    fetch,
  })
  const modelsUrl = options.featureExtractionUrl ?? 'https://router.huggingface.co/hf-inference/models'
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}
  const secrets = options.apiKey ? [options.apiKey] : []

  return {
    specificationVersion: 'v1',
    id: options.id,
    type: 'huggingface',
    chat: chat.chat,
    chatStream: chat.chatStream,
    embeddings(request, call) {
      const upstream: Upstream = { target: `${options.id}/${call.model}`, fetch, secrets }
      // Model ids keep their `/`; each segment is escaped on its own.
      const path = `${call.model.split('/').map(encodeURIComponent).join('/')}/pipeline/feature-extraction`
      return featureExtraction(upstream, joinUrl(modelsUrl, path), headers, request, call)
    },
  }
}
