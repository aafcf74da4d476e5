/**
 * `POST /v1/chat/completions` answered by a local chat model over HTTP, through the official `openai`
 * SDK and `@modelport/sdk`, against transformers.js as an independent implementation on the same file.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createModelport } from '@modelport/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { OnnxLocalChat, scanChatModels } from '../../src/tasks/chat/index.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let server: RunningServer
let chat: OnnxLocalChat
let openai: OpenAI

const messages = [{ role: 'user' as const, content: 'Hello world! How are you today?' }]

beforeAll(async () => {
  repo = chatRepository()
  repo.add('tiny-chat')
  const short = repo.add('short-chat')
  writeFileSync(join(short, 'model.json'), JSON.stringify({ num_ctx: 80 }))
  const busy = repo.add('busy-chat')
  writeFileSync(join(busy, 'model.json'), JSON.stringify({ queue: { max_active: 1, max_queue: 0 } }))
  const pair = repo.add('pair-chat')
  writeFileSync(
    join(pair, 'model.json'),
    JSON.stringify({ runtime: { workers: 2 }, queue: { max_active: 2, max_queue: 0 } }),
  )
  chat = new OnnxLocalChat({ models: (await scanChatModels(repo.dir)).models })
  const quiet = { info() {}, warn() {}, error() {} }
  server = await startServer({
    port: 0,
    modelsDir: repo.dir,
    builtins: false,
    ocr: false,
    localChat: chat,
    log: quiet,
  })
  await chat.loaded
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 })
}, 60_000)

afterAll(async () => {
  await server?.close()
  repo?.remove()
})

const post = (body: unknown) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

async function streamed(body: Record<string, unknown>) {
  const stream = await openai.chat.completions.create({
    model: 'tiny-chat',
    messages,
    ...body,
    stream: true,
  } as OpenAI.ChatCompletionCreateParamsStreaming)
  const chunks: OpenAI.ChatCompletionChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

describe('local chat models in the repository', () => {
  it('lists the folder as a chat model with no configuration', async () => {
    const list = await openai.models.list()
    const entry = list.data.find((m) => m.id === 'tiny-chat') as unknown as Record<string, unknown>
    expect(entry).toMatchObject({ task: 'chat', backends: ['local/tiny-chat'], state: 'ready' })
  })
})

describe('greedy output against transformers.js', () => {
  it('equals the independent implementation on the same file, token for token', async () => {
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers')
    env.allowRemoteModels = false
    env.localModelPath = `${repo.dir}/`
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-chat')
    const model = await AutoModelForCausalLM.from_pretrained('tiny-chat', { dtype: 'fp32', device: 'cpu' })
    for (const [content, max] of [
      ['Hello world! How are you today?', 40],
      ['The quick brown fox 🙂 jumps — 日本語', 25],
    ] as const) {
      const conversation = [{ role: 'user', content }]
      const text = tokenizer.apply_chat_template(conversation, {
        tokenize: false,
        add_generation_prompt: true,
      }) as string
      const inputs = tokenizer(text, { add_special_tokens: false })
      const output = await model.generate({ ...inputs, max_new_tokens: max, do_sample: false })
      const all = (output as { tolist(): bigint[][] }).tolist()[0] as bigint[]
      const generated = all.slice(inputs.input_ids.dims[1] as number).map(Number)
      const ended = generated.at(-1) === 2
      const expectedText = tokenizer.decode(ended ? generated.slice(0, -1) : generated, {
        skip_special_tokens: true,
      })

      const answer = await openai.chat.completions.create({
        model: 'tiny-chat',
        messages: [{ role: 'user', content }],
        max_tokens: max,
        temperature: 0,
      })
      expect(answer.choices[0]?.message.content).toBe(expectedText)
      expect(answer.choices[0]?.finish_reason).toBe(ended ? 'stop' : 'length')
      expect(answer.usage).toEqual({
        prompt_tokens: inputs.input_ids.dims[1],
        completion_tokens: ended ? generated.length - 1 : generated.length,
        total_tokens:
          (inputs.input_ids.dims[1] as number) + (ended ? generated.length - 1 : generated.length),
      })
    }
    await model.dispose()
  }, 60_000)
})

describe('requests decoded in one batch', () => {
  it('answer three different prompts at once as they answer each alone, beside a stream that is aborted', async () => {
    const asks = [
      { content: 'Hello world! How are you today?', max_tokens: 40 },
      { content: 'The quick brown fox 🙂 jumps — 日本語', max_tokens: 25, stop: ['o'] },
      { content: 'Short.', max_tokens: 33, logprobs: true, top_logprobs: 2 },
    ]
    const ask = (a: (typeof asks)[number]) =>
      openai.chat.completions.create({
        model: 'tiny-chat',
        messages: [{ role: 'user', content: a.content }],
        temperature: 0,
        ...a,
      })
    const alone: OpenAI.ChatCompletion[] = []
    for (const a of asks) alone.push(await ask(a))
    // A fourth request streams a long answer and is aborted after a few chunks, in the same batch.
    const aborter = new AbortController()
    const aborted = (async () => {
      const stream = await openai.chat.completions.create(
        { model: 'tiny-chat', messages, max_tokens: 300, temperature: 0, stream: true },
        { signal: aborter.signal },
      )
      let chunks = 0
      try {
        for await (const _ of stream) if (++chunks === 5) aborter.abort()
      } catch {}
      return chunks
    })()
    const together = await Promise.all(asks.map(ask))
    expect(await aborted).toBeLessThan(300)
    together.forEach((answer, i) => {
      const solo = alone[i] as OpenAI.ChatCompletion
      expect(answer.choices[0]?.message.content).toBe(solo.choices[0]?.message.content)
      expect(answer.choices[0]?.finish_reason).toBe(solo.choices[0]?.finish_reason)
      expect(answer.usage).toEqual(solo.usage)
      expect(answer.choices[0]?.logprobs?.content?.map((t) => t.token)).toEqual(
        solo.choices[0]?.logprobs?.content?.map((t) => t.token),
      )
    })
    expect(together[2]?.choices[0]?.logprobs?.content?.length).toBeGreaterThan(0)
    // The aborted generation has left the worker.
    await expect.poll(() => chat.activity('tiny-chat')).toEqual({ active: 0, queued: 0 })
  })
})

describe('the OpenAI parameters', () => {
  it('streams chunks that put together equal the JSON answer, with the same seed', async () => {
    const body = { max_tokens: 60, temperature: 1, seed: 11, top_p: 0.9, top_k: 50 }
    const json = await openai.chat.completions.create({ model: 'tiny-chat', messages, ...body })
    const chunks = await streamed({ ...body, stream_options: { include_usage: true } })
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe(json.choices[0]?.message.content)
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant')
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe(json.choices[0]?.finish_reason)
    expect(chunks.at(-1)?.choices).toEqual([])
    expect(chunks.at(-1)?.usage).toEqual(json.usage)
  })

  it('gives the same answer for the same seed and another for another seed', async () => {
    const ask = (seed: number) =>
      openai.chat.completions
        .create({ model: 'tiny-chat', messages, max_tokens: 30, temperature: 1.2, seed })
        .then((a) => a.choices[0]?.message.content)
    const [a, b, c] = await Promise.all([ask(5), ask(5), ask(6)])
    expect(a).toBe(b)
    expect(a).not.toBe(c)
  })

  it('cuts at a stop string that spans tokens, never sending any of it', async () => {
    const full = (
      await openai.chat.completions.create({ model: 'tiny-chat', messages, max_tokens: 60, temperature: 0 })
    ).choices[0]?.message.content as string
    const stop = full.slice(10, 16)
    const before = full.slice(0, full.indexOf(stop))
    const json = await openai.chat.completions.create({
      model: 'tiny-chat',
      messages,
      max_tokens: 60,
      temperature: 0,
      stop: [stop, 'never appears'],
    })
    expect(json.choices[0]?.message.content).toBe(before)
    expect(json.choices[0]?.finish_reason).toBe('stop')
    const chunks = await streamed({ max_tokens: 60, temperature: 0, stop })
    const pieces = chunks.map((c) => c.choices[0]?.delta.content ?? '')
    expect(pieces.join('')).toBe(before)
    expect(pieces.some((p) => p.includes(stop))).toBe(false)
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop')
  })

  it('stops at max_tokens with finish_reason length and counts usage', async () => {
    const answer = await openai.chat.completions.create({
      model: 'tiny-chat',
      messages,
      max_completion_tokens: 7,
      temperature: 0,
    })
    expect(answer.choices[0]?.finish_reason).toBe('length')
    expect(answer.usage?.completion_tokens).toBe(7)
    expect(answer.usage?.total_tokens).toBe((answer.usage?.prompt_tokens ?? 0) + 7)
  })

  it('reports log probabilities: the greedy token is the most likely, alternatives sorted, bytes spell the text', async () => {
    const answer = await openai.chat.completions.create({
      model: 'tiny-chat',
      messages,
      max_tokens: 20,
      temperature: 0,
      logprobs: true,
      top_logprobs: 3,
    })
    const entries = answer.choices[0]?.logprobs?.content ?? []
    expect(entries).toHaveLength(20)
    for (const entry of entries) {
      expect(entry.top_logprobs).toHaveLength(3)
      const top = entry.top_logprobs.map((t) => t.logprob)
      expect(top).toEqual([...top].sort((a, b) => b - a))
      expect(entry.logprob).toBeCloseTo(top[0] as number, 5)
      expect(entry.logprob).toBeLessThan(0)
    }
    const bytes = Uint8Array.from(entries.flatMap((e) => e.bytes ?? []))
    expect(new TextDecoder().decode(bytes)).toBe(answer.choices[0]?.message.content)
  })

  it('applies a presence penalty: no token repeats with a strong one', async () => {
    const tokens = async (presence_penalty: number) =>
      (
        await openai.chat.completions.create({
          model: 'tiny-chat',
          messages,
          max_tokens: 80,
          temperature: 0,
          presence_penalty,
          logprobs: true,
        })
      ).choices[0]?.logprobs?.content?.map((e) => e.bytes?.join(',')) ?? []
    const plain = await tokens(0)
    const penalized = await tokens(2)
    expect(new Set(plain).size).toBeLessThan(plain.length)
    expect(new Set(penalized).size).toBe(penalized.length)
  })

  it('answers @modelport/sdk calls, whole and streamed', async () => {
    const mp = createModelport({ baseUrl: server.url })
    const body = { model: 'tiny-chat', messages, max_tokens: 12, temperature: 0 }
    const whole = await mp.chat.completions.create(body)
    let text = ''
    for await (const chunk of mp.chat.completions.stream(body)) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe(whole.choices[0]?.message.content)
  })
})

describe('refusals', () => {
  it.each([
    ['n > 1', { n: 2 }, 'n'],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools'],
    ['logit_bias', { logit_bias: { '5': 10 } }, 'logit_bias'],
    ['top_logprobs without logprobs', { top_logprobs: 2 }, 'top_logprobs'],
    ['an empty stop string', { stop: [''] }, 'stop'],
    [
      'image content',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content',
    ],
  ])('%s is a 400 that says so', async (_name, extra, param) => {
    const response = await post({ model: 'tiny-chat', messages, ...extra })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { param: string; message: string; type: string } }
    expect(body.error.param).toBe(param)
    expect(body.error.type).toBe('invalid_request_error')
  })

  it('a prompt over the context is a 400 naming the numbers', async () => {
    const response = await post({
      model: 'short-chat',
      messages: [{ role: 'user', content: 'a long question '.repeat(20) }],
    })
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('context_length_exceeded')
    expect(error.message).toMatch(/The prompt is \d+ tokens, and this model's context is 80 tokens/)
    const tooMany = await post({
      model: 'short-chat',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 79,
    })
    expect(tooMany.status).toBe(400)
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(
      /leaves \d+ for the completion, but 79 were asked for/,
    )
  })
})

describe('load and cancellation', () => {
  it('stops generating when the client disconnects', async () => {
    const controller = new AbortController()
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-chat', messages, max_tokens: 400, temperature: 0, stream: true }),
      signal: controller.signal,
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    expect(chat.activity('tiny-chat').active).toBe(1)
    controller.abort()
    const started = Date.now()
    while (chat.activity('tiny-chat').active > 0 && Date.now() - started < 3000)
      await new Promise((r) => setTimeout(r, 10))
    expect(chat.activity('tiny-chat').active).toBe(0)
  })

  it('refuses a request over the queue limits with 429 and Retry-After', async () => {
    const first = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'busy-chat', messages, max_tokens: 400, temperature: 0, stream: true }),
    })
    const reader = (first.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    const second = await post({ model: 'busy-chat', messages, max_tokens: 5 })
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('1')
    const { error } = (await second.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('rate_limited')
    expect(error.message).toMatch(/local\/busy-chat: 429/)
    await reader.cancel()
  })

  it("shares generations out between a model's workers, one each, and refuses the next", async () => {
    const open = () =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'pair-chat', messages, max_tokens: 400, temperature: 0, stream: true }),
      })
    const readers = await Promise.all(
      [open(), open()].map(async (response) => {
        const r = await response
        expect(r.status).toBe(200)
        const reader = (r.body as ReadableStream<Uint8Array>).getReader()
        await reader.read()
        return reader
      }),
    )
    expect(chat.workerActivity('pair-chat')).toEqual([
      { active: 1, queued: 0 },
      { active: 1, queued: 0 },
    ])
    const third = await post({ model: 'pair-chat', messages, max_tokens: 5 })
    expect(third.status).toBe(429)
    await Promise.all(readers.map((reader) => reader.cancel()))
  })
})
