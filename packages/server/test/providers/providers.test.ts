/** The shared provider contract, run against every implementation over real loopback upstreams. */
import { afterAll } from 'vitest'
import { defaultHttp } from '../../src/config/config-types.js'
import { badRequest } from '../../src/core/errors.js'
import type { ProviderV1 } from '../../src/core/provider.js'
import { createAnthropic } from '../../src/providers/anthropic/index.js'
import { createHuggingFace } from '../../src/providers/huggingface/index.js'
import { createLocalProvider } from '../../src/providers/local/index.js'
import { createOpenAICompatible } from '../../src/providers/openai-compatible/index.js'
import { type FetchFunction, webFetch } from '../../src/providers/provider-http.js'
import { createOutboundHttp } from '../../src/providers/undici-fetch.js'
import { type Dialect, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { memoryEmbeddings } from '../support/vectors.js'
import { type ProviderHarness, runProviderContract } from './provider-contract.js'

const http = createOutboundHttp({ ...defaultHttp, headersTimeoutMs: 2000, bodyTimeoutMs: 2000 })
afterAll(() => http.close())

function remote(
  dialect: Dialect,
  model: string,
  make: (upstream: FakeUpstream) => ProviderV1,
  dimensions = 8,
) {
  return async (): Promise<ProviderHarness> => {
    const upstream = await startFakeUpstream(dialect, { dimensions })
    return {
      provider: make(upstream),
      model,
      dimensions,
      failNext(kind) {
        upstream.cue(
          kind === 'client'
            ? { kind: 'status', status: 400, body: { error: { message: 'messages must not be empty' } } }
            : { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
        )
      },
      close: () => upstream.close(),
    }
  }
}

// Node's transport (undici's dispatcher) and the edge's (the runtime's `fetch`) each carry every remote provider.
const transports: [string, FetchFunction][] = [
  ['undici dispatcher', http.fetch],
  ['web fetch', webFetch],
]

for (const [transport, fetch] of transports) {
  runProviderContract(
    `openai-compatible over ${transport}`,
    remote('openai', 'gpt-4o-mini', (upstream) =>
      createOpenAICompatible({
        id: 'openai',
        baseUrl: upstream.baseUrl,
        apiKey: 'sk-test-0123456789',
        fetch,
      }),
    ),
  )

  runProviderContract(
    `anthropic over ${transport}`,
    remote('anthropic', 'claude-haiku-4-5', (upstream) =>
      createAnthropic({ id: 'claude', baseUrl: upstream.baseUrl, apiKey: 'sk-ant-test-0123456789', fetch }),
    ),
  )

  runProviderContract(
    `huggingface over ${transport}`,
    remote('huggingface', 'sentence-transformers/all-MiniLM-L6-v2', (upstream) =>
      createHuggingFace({
        id: 'hf',
        apiKey: 'hf_test0123456789',
        baseUrl: upstream.baseUrl,
        featureExtractionUrl: `${upstream.origin}/hf-inference/models`,
        fetch,
      }),
    ),
  )
}

runProviderContract('local', async () => {
  const { embeddings, state } = memoryEmbeddings({ minilm: 8 })
  let failure: 'client' | undefined
  const flaky = {
    ...embeddings,
    embed: (...args: Parameters<typeof embeddings.embed>) => {
      if (failure === 'client') {
        failure = undefined
        return Promise.reject(
          badRequest('too_many_dimensions', 'dimensions is larger than the model.', 'dimensions'),
        )
      }
      return embeddings.embed(...args)
    },
  }
  return {
    provider: createLocalProvider({ embeddings: flaky }),
    model: 'minilm',
    dimensions: 8,
    failNext(kind) {
      if (kind === 'client') failure = 'client'
      else state.overloaded = true
    },
    close: async () => {},
  }
})
