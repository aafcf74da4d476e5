/**
 * The official `openai` SDK (6.x), unchanged, against a running modelport server: chat (JSON and
 * stream) and embeddings (float and base64) through fallback routes whose first target is down.
 */
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { type RoutedServer, startRoutedServer } from '../support/routed-server.js'
import { refusedUrl } from '../support/unresponsive-listener.js'
import { fakeVector } from '../support/vectors.js'

let good: FakeUpstream
let claude: FakeUpstream
let server: RoutedServer
let client: OpenAI

beforeAll(async () => {
  good = await startFakeUpstream('openai', { dimensions: 8 })
  claude = await startFakeUpstream('anthropic')
  const down = `${await refusedUrl()}/v1`
  server = await startRoutedServer({
    providers: {
      down: { type: 'openai-compatible', baseUrl: down, apiKey: 'sk-down-0123456789' },
      good: { type: 'openai-compatible', baseUrl: good.baseUrl, apiKey: 'sk-good-0123456789' },
      claude: { type: 'anthropic', baseUrl: claude.baseUrl, apiKey: 'sk-ant-0123456789' },
    },
    routing: { retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 } },
    routes: {
      'chat-default': {
        targets: [
          { provider: 'down', model: 'gpt-4o-mini' },
          { provider: 'good', model: 'gpt-4o-mini' },
        ],
      },
      'chat-claude': {
        targets: [
          { provider: 'down', model: 'gpt-4o-mini' },
          { provider: 'claude', model: 'claude-haiku-4-5' },
        ],
      },
      embed: {
        task: 'embeddings',
        targets: [
          { provider: 'down', model: 'text-embedding-3-small' },
          { provider: 'good', model: 'text-embedding-3-small' },
        ],
      },
    },
  })
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'modelport-client-key', maxRetries: 0 })
})

afterAll(async () => {
  await server?.close()
  await Promise.all([good?.close(), claude?.close()])
})

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Say hello.' }]
const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}

describe('openai SDK: chat through a fallback route whose first target is down', () => {
  it('creates a completion', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'chat-default', messages })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('Hello!')
    expect(data.choices[0]?.finish_reason).toBe('stop')
    expect(data.usage?.total_tokens).toBe(12)
    expect(response.headers.get('x-modelport-target')).toBe('good/gpt-4o-mini')
    expect(response.headers.get('x-modelport-attempts')).toBe('3')
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })

  it('streams a completion, with usage', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'chat-default', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse()
    let text = ''
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      usage = chunk.usage ?? usage
    }
    expect(text).toBe('Hello!')
    expect(usage?.total_tokens).toBe(12)
    expect(response.headers.get('x-modelport-target')).toBe('good/gpt-4o-mini')
  })

  it('passes tools and response_format through, and returns tool_calls', async () => {
    const responseFormat = {
      type: 'json_schema',
      json_schema: { name: 'w', schema: { type: 'object' } },
    } as const
    const completion = await client.chat.completions.create({
      model: 'chat-default',
      messages,
      tools: [weather],
      tool_choice: 'auto',
      response_format: responseFormat,
    })
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'weather', arguments: '{"city":"Paris"}' },
    })
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls')
    const seen = good.requests.at(-1)?.body
    expect(seen).toMatchObject({
      model: 'gpt-4o-mini',
      tools: [weather],
      tool_choice: 'auto',
      response_format: responseFormat,
    })
  })

  it('streams tool calls from Anthropic, translated', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat-claude',
      messages,
      tools: [weather],
      stream: true,
    })
    let name = ''
    let args = ''
    let finish: string | null | undefined
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0]
      name += call?.function?.name ?? ''
      args += call?.function?.arguments ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect({ name, args, finish }).toEqual({
      name: 'weather',
      args: '{"city":"Paris"}',
      finish: 'tool_calls',
    })
  })

  it('raises the SDK’s own errors: a 400 attributed to its target', async () => {
    good.cue({
      kind: 'status',
      status: 400,
      body: { error: { message: 'Bad messages.', code: 'invalid_value' } },
    })
    const error = await client.chat.completions
      .create({ model: 'chat-default', messages })
      .catch((caught) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_value')
    expect(error.message).toContain('good/gpt-4o-mini answered 400: Bad messages.')
  })

  it('raises an error, not a silent end, when the stream dies midway', async () => {
    good.cue({ kind: 'end-stream', after: 2 })
    const stream = await client.chat.completions.create({ model: 'chat-default', messages, stream: true })
    let text = ''
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().catch((caught) => caught)
    expect(text).toBe('Hel')
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect(error.message).toContain('the stream ended before [DONE]')
  })
})

describe('openai SDK: embeddings through a fallback route whose first target is down', () => {
  const input = ['The cat sat.', 'A dog barked.']

  it('as floats', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'embed', input, encoding_format: 'float' })
      .withResponse()
    expect(data.data.map((item) => item.embedding)).toEqual(input.map((text) => fakeVector(text, 8)))
    expect(response.headers.get('x-modelport-target')).toBe('good/text-embedding-3-small')
    expect(response.headers.get('x-modelport-attempts')).toBe('3')
  })

  it('as base64, decoded by the SDK (its default)', async () => {
    const answer = await client.embeddings.create({ model: 'embed', input })
    for (const [index, item] of answer.data.entries()) {
      const want = fakeVector(input[index] as string, 8)
      expect(item.embedding).toHaveLength(8)
      for (const [i, value] of item.embedding.entries()) expect(value).toBeCloseTo(want[i] as number, 6)
    }
  })

  it('as base64, raw when asked explicitly: little-endian float32', async () => {
    const answer = await client.embeddings.create({
      model: 'embed',
      input: 'hi',
      encoding_format: 'base64',
      dimensions: 4,
    })
    const encoded = answer.data[0]?.embedding as unknown as string
    const bytes = Buffer.from(encoded, 'base64')
    const got = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))
    expect(got).toEqual(fakeVector('hi', 4).map((value) => Math.fround(value)))
  })

  it('lists the routes as models, with their targets', async () => {
    const models = []
    for await (const model of client.models.list()) models.push(model)
    expect(models.find((model) => model.id === 'chat-default')).toMatchObject({
      task: 'chat',
      backends: ['down/gpt-4o-mini', 'good/gpt-4o-mini'],
      state: 'ready',
    })
    expect(models.find((model) => model.id === 'embed')).toMatchObject({ task: 'embeddings' })
  })
})
