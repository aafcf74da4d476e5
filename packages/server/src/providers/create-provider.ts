/** Builds a configured provider by its `type`; every provider gets the same injected `fetch`. */
import type { ProviderConfig } from '../config/config-types.js'
import type { ProviderV1 } from '../core/provider.js'
import { createAnthropic } from './anthropic/index.js'
import { createHuggingFace } from './huggingface/index.js'
import { createOpenAICompatible } from './openai-compatible/index.js'
import type { FetchFunction } from './provider-http.js'

export function createProvider(id: string, config: ProviderConfig, fetch?: FetchFunction): ProviderV1 {
  switch (config.type) {
    case 'openai-compatible':
      return createOpenAICompatible({
        id,
        baseUrl: config.baseUrl,
        apiKey: config.apiKey,
        headers: config.headers,
        fetch,
      })
    case 'anthropic':
      return createAnthropic({
        id,
        apiKey: config.apiKey,
        baseUrl: config.baseUrl,
        version: config.version,
        maxTokens: config.maxTokens,
        headers: config.headers,
        fetch,
      })
    case 'huggingface':
      return createHuggingFace({
        id,
        apiKey: config.apiKey,
        baseUrl: config.baseUrl,
        featureExtractionUrl: config.featureExtractionUrl,
        fetch,
      })
  }
}
