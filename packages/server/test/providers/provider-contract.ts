/**
 * The contract every `ProviderV1` implementation must keep, run against each one: answers in the
 * contract's shapes, streams that end properly, client errors that are not retryable and carry their
 * status, overload that is retryable with its wait, and a signal that stops the call.
 */
import { describe, expect, it } from 'vitest'
import type { ChatChunk, ChatRequest, EmbeddingsRequest, ProviderV1 } from '../../src/core/provider.js'
import { ProviderError } from '../../src/providers/provider-error.js'
import { assertSchema } from '../support/schemas.js'

export interface ProviderHarness {
  provider: ProviderV1
  model: string
  /** The vector size its embeddings have. */
  dimensions?: number
  /** The next call fails: `client` as a 400, `overloaded` as a retryable refusal asking for 1 s. */
  failNext(kind: 'client' | 'overloaded'): void
  close(): Promise<void>
}

const hello: ChatRequest = { model: 'route-name', messages: [{ role: 'user', content: 'Say hello.' }] }
const texts: EmbeddingsRequest = {
  model: 'route-name',
  input: ['one', 'two', 'three'],
  encoding_format: 'float',
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

export function runProviderContract(name: string, start: () => Promise<ProviderHarness>): void {
  describe(`${name} keeps the provider contract`, () => {
    const withHarness = (test: (harness: ProviderHarness) => Promise<void>) => async () => {
      const harness = await start()
      try {
        await test(harness)
      } finally {
        await harness.close()
      }
    }
    const someCall = (harness: ProviderHarness, signal?: AbortSignal) => {
      const options = {
        model: harness.model,
        signal: signal ?? new AbortController().signal,
        requestId: 'req-1',
      }
      if (harness.provider.chat) return harness.provider.chat(hello, options)
      if (harness.provider.embeddings) return harness.provider.embeddings(texts, options)
      throw new Error('a provider serves chat or embeddings')
    }

    it(
      'declares version v1 and serves something',
      withHarness(async ({ provider }) => {
        expect(provider.specificationVersion).toBe('v1')
        expect(Boolean(provider.chat || provider.embeddings)).toBe(true)
        expect(Boolean(provider.chat)).toBe(Boolean(provider.chatStream))
      }),
    )

    it(
      'answers chat as a chat.completion',
      withHarness(async (harness) => {
        if (!harness.provider.chat) return
        const completion = await harness.provider.chat(hello, {
          model: harness.model,
          signal: new AbortController().signal,
          requestId: 'r',
        })
        assertSchema('ChatCompletion', completion)
        expect(completion.choices[0]?.message.content).toBe('Hello!')
        expect(completion.choices[0]?.finish_reason).toBe('stop')
        expect(completion.usage?.total_tokens).toBeGreaterThan(0)
      }),
    )

    it(
      'streams chunks that end properly, with usage when asked',
      withHarness(async (harness) => {
        if (!harness.provider.chatStream) return
        const request = { ...hello, stream: true, stream_options: { include_usage: true } }
        const stream = await harness.provider.chatStream(request, {
          model: harness.model,
          signal: new AbortController().signal,
          requestId: 'r',
        })
        const chunks = await collect(stream)
        for (const chunk of chunks) assertSchema('ChatCompletionChunk', chunk)
        expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello!')
        expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).at(-1)).toBe(
          'stop',
        )
        expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0)
      }),
    )

    it(
      'answers embeddings as floats, one vector per input, in order',
      withHarness(async (harness) => {
        if (!harness.provider.embeddings) return
        const answer = await harness.provider.embeddings(texts, {
          model: harness.model,
          signal: new AbortController().signal,
          requestId: 'r',
        })
        assertSchema('EmbeddingsResponse', answer)
        expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2])
        for (const item of answer.data) {
          expect(Array.isArray(item.embedding)).toBe(true)
          expect(item.embedding).toHaveLength(harness.dimensions ?? 0)
        }
      }),
    )

    it(
      'fails a client error as not retryable, with its status and its target',
      withHarness(async (harness) => {
        harness.failNext('client')
        const error = await someCall(harness).catch((caught: unknown) => caught)
        expect(ProviderError.is(error)).toBe(true)
        const failure = error as ProviderError
        expect(failure.isRetryable).toBe(false)
        expect(failure.status).toBe(400)
        expect(failure.target).toBe(`${harness.provider.id}/${harness.model}`)
        expect(failure.message.startsWith(`${harness.provider.id}/${harness.model}`)).toBe(true)
      }),
    )

    it(
      'fails overload as retryable, with the wait it asked for',
      withHarness(async (harness) => {
        harness.failNext('overloaded')
        const error = (await someCall(harness).catch((caught: unknown) => caught)) as ProviderError
        expect(ProviderError.is(error)).toBe(true)
        expect(error.isRetryable).toBe(true)
        expect(error.retryAfterMs).toBe(1000)
      }),
    )

    it(
      'stops when its signal aborts, with the signal’s reason',
      withHarness(async (harness) => {
        const controller = new AbortController()
        const reason = new Error('deadline for the test')
        controller.abort(reason)
        await expect(someCall(harness, controller.signal)).rejects.toBe(reason)
      }),
    )
  })
}
