/**
 * Rule 4: a stream falls back only before its first byte reaches the client; a failure after that
 * ends it with an explicit `event: error` and no `[DONE]`, never a silent truncation. A client that
 * leaves aborts the upstream.
 */
import { request } from 'node:http'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cue, eventually, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { type RoutedServer, startRoutedServer } from '../support/routed-server.js'

let flaky: FakeUpstream
let good: FakeUpstream
let claude: FakeUpstream
let server: RoutedServer

beforeAll(async () => {
  flaky = await startFakeUpstream('openai')
  good = await startFakeUpstream('openai')
  claude = await startFakeUpstream('anthropic')
  const flakyTarget = { provider: 'flaky', model: 'gpt-a' }
  server = await startRoutedServer({
    providers: {
      flaky: { type: 'openai-compatible', baseUrl: flaky.baseUrl, apiKey: 'sk-flaky-0123456789' },
      good: { type: 'openai-compatible', baseUrl: good.baseUrl, apiKey: 'sk-good-0123456789' },
      claude: { type: 'anthropic', baseUrl: claude.baseUrl, apiKey: 'sk-ant-0123456789' },
    },
    routing: {
      deadlineMs: 4000,
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 300 },
      circuitBreaker: { failureThreshold: 1000, cooldownMs: 1000 },
    },
    http: { headersTimeoutMs: 300, bodyTimeoutMs: 300 },
    routes: {
      chat: { targets: [flakyTarget, { provider: 'good', model: 'gpt-b' }] },
      'chat-once': { retry: { attempts: 1 }, targets: [flakyTarget, { provider: 'good', model: 'gpt-b' }] },
      'chat-short': { deadlineMs: 150, targets: [flakyTarget] },
      'chat-claude': { targets: [flakyTarget, { provider: 'claude', model: 'claude-haiku-4-5' }] },
    },
  })
})

afterAll(async () => {
  await server?.close()
  await Promise.all([flaky?.close(), good?.close(), claude?.close()])
})

interface Streamed {
  status: number
  headers: Headers
  events: EventSourceMessage[]
  ms: number
}

async function stream(model: string, signal?: AbortSignal): Promise<Streamed> {
  const started = performance.now()
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Say hello.' }] }),
    signal,
  })
  const events: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (event) => events.push(event) })
  const decoder = new TextDecoder()
  const reader = response.body?.getReader()
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read())
    parser.feed(decoder.decode(read.value, { stream: true }))
  return { status: response.status, headers: response.headers, events, ms: performance.now() - started }
}

const text = (events: EventSourceMessage[]) =>
  events
    .filter((event) => event.event === undefined && event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data).choices[0]?.delta?.content ?? '')
    .join('')

async function nothingLeft() {
  expect(
    await eventually(
      () => flaky.unansweredRequests() + good.unansweredRequests() + claude.unansweredRequests() === 0,
    ),
  ).toBe(true)
  expect(server.liveTimers()).toBe(0)
}

describe('before the first byte, a stream still falls back', () => {
  it.each([
    [
      'a 503',
      'chat',
      [
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
      ],
      3,
    ],
    [
      'a cut before any chunk',
      'chat',
      [
        { kind: 'cut-stream', after: 0 },
        { kind: 'cut-stream', after: 0 },
      ],
      3,
    ],
    [
      'an end before any chunk',
      'chat',
      [
        { kind: 'end-stream', after: 0 },
        { kind: 'end-stream', after: 0 },
      ],
      3,
    ],
    ['a stall before any chunk', 'chat-once', [{ kind: 'stall-stream', after: 0 }], 2],
    ['headers never sent', 'chat-once', [{ kind: 'hang' }], 2],
  ] as [string, string, Cue[], number][])('%s', async (_name, route, cues, attempts) => {
    flaky.reset()
    good.reset()
    flaky.cue(...cues)
    const res = await stream(route)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-modelport-target')).toBe('good/gpt-b')
    expect(res.headers.get('x-modelport-attempts')).toBe(String(attempts))
    expect(text(res.events)).toBe('Hello!')
    expect(res.events.at(-1)?.data).toBe('[DONE]')
    await nothingLeft()
  })

  it('falls back across protocols: OpenAI-compatible to Anthropic, translated', async () => {
    flaky.reset()
    flaky.cue({ kind: 'status', status: 502 }, { kind: 'status', status: 502 })
    const res = await stream('chat-claude')
    expect(res.headers.get('x-modelport-target')).toBe('claude/claude-haiku-4-5')
    expect(text(res.events)).toBe('Hello!')
    const chunks = res.events
      .filter((event) => event.data !== '[DONE]')
      .map((event) => JSON.parse(event.data))
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'msg_fake')).toBe(
      true,
    )
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop')
    expect(res.events.at(-1)?.data).toBe('[DONE]')
    await nothingLeft()
  })
})

describe('after the first byte, a failure ends the stream with an error event', () => {
  it.each([
    ['a cut after 3 chunks', 'chat', { kind: 'cut-stream', after: 3 }, 'connection_failed', 'Hello'],
    ['an end without [DONE]', 'chat', { kind: 'end-stream', after: 3 }, 'stream_truncated', 'Hello'],
    ['a stall after 3 chunks', 'chat', { kind: 'stall-stream', after: 3 }, 'body_timeout', 'Hello'],
    [
      'the deadline passing mid-stream',
      'chat-short',
      { kind: 'stall-stream', after: 3 },
      'deadline_exceeded',
      'Hello',
    ],
  ] as [string, string, Cue, string, string][])('%s', async (_name, route, cue, code, sent) => {
    flaky.reset()
    good.reset()
    flaky.cue(cue)
    const res = await stream(route)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-modelport-target')).toBe('flaky/gpt-a')
    expect(res.headers.get('x-modelport-attempts')).toBe('1')
    expect(text(res.events)).toBe(sent)
    const last = res.events.at(-1)
    expect(last?.event).toBe('error')
    expect(JSON.parse(last?.data ?? '{}').error).toMatchObject({ code, type: 'upstream_error' })
    expect(res.events.some((event) => event.data === '[DONE]')).toBe(false)
    expect(good.hits).toBe(0)
    await nothingLeft()
  })

  it('stops at the deadline, not at the much later body timeout', async () => {
    flaky.reset()
    flaky.cue({ kind: 'stall-stream', after: 3 })
    const res = await stream('chat-short')
    expect(res.ms).toBeGreaterThanOrEqual(140)
    expect(res.ms).toBeLessThan(1000)
    await nothingLeft()
  })
})

it('a client that leaves mid-stream aborts the upstream request', async () => {
  flaky.reset()
  flaky.cue({ kind: 'stall-stream', after: 3 })
  // A raw socket, so leaving means closing it (fetch's pool might keep it around).
  const req = request(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  })
  const firstBytes = new Promise<void>((done) => req.on('response', (res) => res.once('data', () => done())))
  req.end(JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'Hi' }] }))
  await firstBytes
  expect(flaky.unansweredRequests()).toBe(1)
  req.destroy()
  // Well before the 300 ms body timeout could have closed it.
  expect(await eventually(() => flaky.unansweredRequests() === 0, 280)).toBe(true)
  await nothingLeft()
})

it('a client that leaves before a non-streamed answer aborts the upstream request', async () => {
  flaky.reset()
  good.reset()
  flaky.cue({ kind: 'hang' })
  const req = request(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  })
  req.on('error', () => {})
  req.end(JSON.stringify({ model: 'chat-once', messages: [{ role: 'user', content: 'Hi' }] }))
  expect(await eventually(() => flaky.unansweredRequests() === 1, 1000)).toBe(true)
  req.destroy()
  // Well before the 300 ms headers timeout could have closed it.
  expect(await eventually(() => flaky.unansweredRequests() === 0, 200)).toBe(true)
  expect(good.hits).toBe(0)
  await nothingLeft()
})
