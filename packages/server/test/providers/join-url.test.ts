/** Upstream URLs from a provider's base URL and an endpoint path. */
import { describe, expect, it } from 'vitest'
import { joinUrl } from '../../src/providers/provider-http.js'

describe('joinUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'chat/completions', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com/v1/', '/chat/completions', 'https://api.openai.com/v1/chat/completions'],
    ['http://127.0.0.1:11434/v1//', 'embeddings', 'http://127.0.0.1:11434/v1/embeddings'],
    [
      'https://example.openai.azure.com/openai/deployments/gpt?api-version=2024-10-21',
      'chat/completions',
      'https://example.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21',
    ],
  ])('%s + %s', (base, path, want) => {
    expect(joinUrl(base, path)).toBe(want)
  })
})
