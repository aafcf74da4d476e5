/**
 * Local chat models as `local` targets of chat routes, in any position, with the routing rules of
 * remote targets: a full local queue falls back to a remote target (a real upstream on loopback), a
 * failing remote one falls back to the local model, and streams fall back before their first byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { type FakeUpstream, STREAM_TEXT, startFakeUpstream } from '../support/fake-upstream.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let upstream: FakeUpstream
let server: RunningServer
let configDir: string
const quiet = { info() {}, warn() {}, error() {} }
const messages = [{ role: 'user' as const, content: 'Hello there' }]

function writeConfig(config: unknown): string {
  const path = join(configDir, `config-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, JSON.stringify(config))
  return path
}

beforeAll(async () => {
  repo = chatRepository()
  repo.add('tiny-chat')
  const busy = repo.add('busy-chat')
  writeFileSync(join(busy, 'model.json'), JSON.stringify({ queue: { max_active: 1, max_queue: 0 } }))
  upstream = await startFakeUpstream('openai')
  configDir = mkdtempSync(join(tmpdir(), 'modelport-chat-config-'))
  const configPath = writeConfig({
    providers: { up: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: 'k' } },
    routes: {
      'local-first': {
        targets: [
          { provider: 'local', model: 'busy-chat' },
          { provider: 'up', model: 'gpt' },
        ],
      },
      'remote-first': {
        targets: [
          { provider: 'up', model: 'gpt' },
          { provider: 'local', model: 'tiny-chat' },
        ],
      },
    },
    routing: { retry: { attempts: 1 } },
  })
  server = await startServer({
    port: 0,
    modelsDir: repo.dir,
    builtins: false,
    ocr: false,
    configPath,
    log: quiet,
  })
}, 60_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
  repo?.remove()
  rmSync(configDir, { recursive: true, force: true })
})

beforeEach(() => upstream.reset())

const post = (body: Record<string, unknown>) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages, max_tokens: 8, temperature: 0, ...body }),
  })

/** Holds busy-chat's only place with a long stream; returns how to let it go. */
async function occupyBusyChat(): Promise<() => Promise<void>> {
  const open = () =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'busy-chat', messages, max_tokens: 400, temperature: 0, stream: true }),
    })
  // The place a previous test held is given back once its worker has seen the cancel (up to 5 s: a
  // loaded machine can take a while to schedule the worker's thread).
  let response = await open()
  for (let tries = 0; response.status === 429 && tries < 250; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    response = await open()
  }
  expect(response.status).toBe(200)
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  await reader.read()
  return () => reader.cancel()
}

describe('local targets in chat routes', () => {
  it('answers from the local model first when it has room', async () => {
    const response = await post({ model: 'local-first' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('local/busy-chat')
    expect(upstream.hits).toBe(0)
    const body = (await response.json()) as { model: string; usage: { completion_tokens: number } }
    expect(body.usage.completion_tokens).toBe(8)
  })

  it('falls back to the remote target when the local queue is full', async () => {
    const release = await occupyBusyChat()
    try {
      const response = await post({ model: 'local-first' })
      expect(response.status).toBe(200)
      expect(response.headers.get('x-modelport-target')).toBe('up/gpt')
      expect(response.headers.get('x-modelport-attempts')).toBe('2')
      expect(upstream.hits).toBe(1)
    } finally {
      await release()
    }
  })

  it('falls back before the first byte of a stream when the local queue is full', async () => {
    const release = await occupyBusyChat()
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 })
      const { data, response } = await client.chat.completions
        .create({ model: 'local-first', messages, stream: true })
        .withResponse()
      let text = ''
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? ''
      expect(response.headers.get('x-modelport-target')).toBe('up/gpt')
      expect(text).toBe(STREAM_TEXT.join(''))
    } finally {
      await release()
    }
  })

  it('falls back from a failing remote target to the local model', async () => {
    upstream.cue({ kind: 'status', status: 503 })
    const response = await post({ model: 'remote-first' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('local/tiny-chat')
    expect(upstream.hits).toBe(1)
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 })
    upstream.cue({ kind: 'status', status: 500 })
    const stream = await client.chat.completions.create({
      model: 'remote-first',
      messages,
      max_tokens: 6,
      stream: true,
    })
    let chunks = 0
    for await (const _ of stream) chunks++
    expect(chunks).toBeGreaterThan(2)
  })

  it('does not fall back on a 400 of the local model', async () => {
    const response = await post({ model: 'local-first', n: 3 })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-modelport-target')).toBe('local/busy-chat')
    expect(upstream.hits).toBe(0)
  })

  it('lists routes with their local targets', async () => {
    const list = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      data: Array<{ id: string; task: string; backends: string[] }>
    }
    expect(list.data.find((m) => m.id === 'remote-first')).toMatchObject({
      task: 'chat',
      backends: ['up/gpt', 'local/tiny-chat'],
    })
    expect(list.data.find((m) => m.id === 'tiny-chat')).toMatchObject({
      task: 'chat',
      backends: ['local/tiny-chat'],
    })
  })

  it('refuses a config whose local chat target is not in the repository', async () => {
    const configPath = writeConfig({
      routes: { r: { task: 'chat', targets: [{ provider: 'local', model: 'nowhere' }] } },
    })
    await expect(
      startServer({ port: 0, modelsDir: repo.dir, builtins: false, ocr: false, configPath, log: quiet }),
    ).rejects.toThrow(ConfigError)
  })
})
