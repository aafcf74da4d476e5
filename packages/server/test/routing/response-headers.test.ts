/**
 * The headers every chat answer carries on Node, written onto the `ServerResponse` rather than through
 * Hono: `x-request-id` (the client's when usable, else a fresh one), `x-modelport-target` and
 * `x-modelport-attempts`, each once, on successes, upstream errors and unknown models alike; the
 * upstream's answer passed on byte for byte. And every benchmark ablation still answers a chat.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { ablatableFeatures } from '../../src/routing/ablation.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'

const silent = { info() {}, warn() {}, error() {} }
let upstream: FakeUpstream
let dir: string
let configPath: string
let server: RunningServer

function start(ablate: readonly (typeof ablatableFeatures)[number][] = []) {
  return startServer({
    port: 0,
    builtins: false,
    ocr: false,
    modelsDir: join(dir, 'none'),
    configPath,
    log: silent,
    ablate,
  })
}

beforeAll(async () => {
  upstream = await startFakeUpstream('openai')
  dir = await mkdtemp(join(tmpdir(), 'modelport-headers-'))
  configPath = join(dir, 'modelport.json')
  await writeFile(
    configPath,
    JSON.stringify({
      providers: { openai: { type: 'openai-compatible', baseUrl: upstream.baseUrl } },
      routes: { chat: { retry: { attempts: 1 }, targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] } },
    }),
  )
  server = await start()
})

afterAll(async () => {
  await server?.close()
  await upstream?.close()
  await rm(dir, { recursive: true, force: true })
})

const chat = (url: string, headers: Record<string, string> = {}, model = 'chat') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
  })

describe('response headers on Node', () => {
  it('keeps a usable client id, up to 255 characters', async () => {
    const id = `a-Z_0=${'x'.repeat(249)}`
    const response = await chat(server.url, { 'x-request-id': id })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe(id)
  })

  it('replaces an id that is too long or has other characters with a fresh UUID', async () => {
    for (const id of ['x'.repeat(256), 'has space', 'semi;colon']) {
      const response = await chat(server.url, { 'x-request-id': id })
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('says the target and attempts once each, with the upstream answer as it came', async () => {
    const response = await chat(server.url)
    expect(response.headers.get('x-modelport-target')).toBe('openai/gpt-4o-mini')
    expect(response.headers.get('x-modelport-attempts')).toBe('1')
    expect(response.headers.get('content-type')).toBe('application/json')
    // One value each: a header written twice would read "a, b".
    expect(response.headers.get('x-request-id')).not.toContain(',')
    const body = await response.json()
    expect(body.object).toBe('chat.completion')
  })

  it('carries the id on an unknown model, and no routing headers', async () => {
    const response = await chat(server.url, { 'x-request-id': 'nope-1' }, 'no-such-route')
    expect(response.status).toBe(404)
    expect(response.headers.get('x-request-id')).toBe('nope-1')
    expect((await response.json()).error.code).toBe('model_not_found')
  })

  it('answers a chat with each benchmark ablation on its own and all at once', async () => {
    for (const ablate of [...ablatableFeatures.map((feature) => [feature]), ablatableFeatures]) {
      const ablated = await start(ablate)
      try {
        const response = await chat(ablated.url)
        expect(response.status, ablate.join(',')).toBe(200)
        expect((await response.json()).object).toBe('chat.completion')
      } finally {
        await ablated.close()
      }
    }
  })
})
