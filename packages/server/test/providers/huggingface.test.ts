/** Hugging Face feature extraction: the request it sends, and `dimensions` as the local task does it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHuggingFace } from '../../src/providers/huggingface/index.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { fakeVector } from '../support/vectors.js'

let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream('huggingface', { dimensions: 6 })
})
afterAll(() => upstream.close())

const provider = () =>
  createHuggingFace({
    id: 'hf',
    apiKey: 'hf_secret0123456789',
    baseUrl: upstream.baseUrl,
    featureExtractionUrl: `${upstream.origin}/hf-inference/models`,
  })
const call = {
  model: 'sentence-transformers/all-MiniLM-L6-v2',
  signal: new AbortController().signal,
  requestId: 'r',
}

describe('huggingface embeddings', () => {
  it('posts inputs to the model’s feature-extraction pipeline, asking for normalized vectors', async () => {
    upstream.reset()
    const answer = await provider().embeddings?.(
      { model: 'm', input: 'hello', encoding_format: 'float' },
      call,
    )
    expect(upstream.requests[0]?.path).toBe(
      '/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    )
    expect(upstream.requests[0]?.body).toEqual({ inputs: ['hello'], normalize: true, truncate: true })
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer hf_secret0123456789')
    expect(answer?.data[0]?.embedding).toEqual(fakeVector('hello', 6))
  })

  it('truncates to dimensions and renormalizes', async () => {
    const answer = await provider().embeddings?.(
      { model: 'm', input: ['a b'], dimensions: 3, encoding_format: 'float' },
      call,
    )
    const vector = answer?.data[0]?.embedding as number[]
    expect(vector).toHaveLength(3)
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6)
    const head = fakeVector('a b', 6).slice(0, 3)
    const norm = Math.hypot(...head)
    expect(vector).toEqual(head.map((value) => value / norm))
  })

  it('refuses an answer that is not one vector per input (a token-level model)', async () => {
    upstream.cue({ kind: 'status', status: 200, body: [[[0.1, 0.2]]] })
    await expect(
      provider().embeddings?.({ model: 'm', input: ['x'], encoding_format: 'float' }, call),
    ).rejects.toMatchObject({ code: 'invalid_response' })
  })
})
