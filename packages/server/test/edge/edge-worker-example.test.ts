/**
 * examples/edge-worker: its wrangler.toml points at the bundle, and the bundle, run in workerd with that
 * file's compatibility date and config, serves its routes behind `MODELPORT_API_KEYS`, falling back from
 * OpenAI to Anthropic (played by fakes on loopback).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeUpstream, STREAM_TEXT, startFakeUpstream } from '../support/fake-upstream.js'
import { buildEdgeBundle, type EdgeBundle } from './edge-bundle.js'
import { type EdgeWorker, startEdgeWorker } from './edge-worker.js'

const example = fileURLToPath(new URL('../../../../examples/edge-worker/', import.meta.url))
const OPENAI_API_KEY = 'sk-openai-example-0123456789'
const ANTHROPIC_API_KEY = 'sk-ant-example-0123456789'
const CLIENT_KEYS = ['mp-first-client-0123456789', 'mp-second-client-0123456789']

/** The few wrangler.toml values the test needs (no TOML parser is installed; the file keeps them simple). */
function readWranglerToml(text: string) {
  const string = (name: string) => new RegExp(`^${name} = "([^"]*)"$`, 'm').exec(text)?.[1]
  return {
    main: string('main'),
    compatibilityDate: string('compatibility_date'),
    // A TOML multi-line literal string drops the newline right after its opening quotes.
    config: /^MODELPORT_CONFIG = '''\n([\s\S]*?)'''$/m.exec(text)?.[1],
    flags: /^compatibility_flags\b.*$/m.exec(text)?.[0],
  }
}

let bundle: EdgeBundle
let openai: FakeUpstream
let anthropic: FakeUpstream
let worker: EdgeWorker
let toml: ReturnType<typeof readWranglerToml>

beforeAll(async () => {
  toml = readWranglerToml(await readFile(resolve(example, 'wrangler.toml'), 'utf8'))
  bundle = await buildEdgeBundle()
  openai = await startFakeUpstream('openai', { dimensions: 8 })
  anthropic = await startFakeUpstream('anthropic')
  worker = await startEdgeWorker(
    bundle,
    {
      MODELPORT_CONFIG: toml.config ?? '',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      ANTHROPIC_API_KEY,
      MODELPORT_API_KEYS: CLIENT_KEYS.join(', '),
    },
    toml.compatibilityDate,
  )
}, 60_000)

afterAll(async () => {
  await worker?.dispose()
  await Promise.all([openai?.close(), anthropic?.close()])
  await bundle?.remove()
})

const messages = [{ role: 'user', content: 'Hi' }]
const withKey = (key: string) => ({ authorization: `Bearer ${key}` })

describe('examples/edge-worker', () => {
  it('deploys the built bundle, with no Node compatibility flag', () => {
    expect(toml.main && resolve(example, toml.main)).toBe(
      fileURLToPath(new URL('../../dist/edge.js', import.meta.url)),
    )
    expect(toml.compatibilityDate).toMatch(/^\d{4}-\d\d-\d\d$/)
    expect(toml.flags).toBeUndefined()
    expect(toml.config).toContain('chat-default:')
  })

  it.each([
    ['no key', {}, 'An API key is required'],
    ['a wrong key', withKey('mp-wrong-0123456789'), 'The API key is not valid'],
  ])('answers 401 to a request with %s, before any upstream is called', async (_name, headers, message) => {
    openai.reset()
    const response = await worker.post('/v1/chat/completions', { model: 'chat-default', messages }, headers)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="modelport"/)
    expect(await response.json()).toMatchObject({
      error: { type: 'authentication_error', message: expect.stringContaining(message) },
    })
    expect(openai.hits).toBe(0)
  })

  it('keeps health public', async () => {
    expect((await worker.fetch('/v2/health/live')).status).toBe(200)
  })

  it('falls back from OpenAI (503) to Anthropic for a client with either key, whole and streamed', async () => {
    openai.reset()
    anthropic.reset()
    openai.cue(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })))
    const whole = await worker.post(
      '/v1/chat/completions',
      { model: 'chat-default', messages },
      withKey(CLIENT_KEYS[0] as string),
    )
    expect(whole.status).toBe(200)
    expect(whole.headers.get('x-modelport-target')).toBe('claude/claude-haiku-4-5')
    const body = (await whole.json()) as { object: string; choices: { message: { content: string } }[] }
    expect(body.object).toBe('chat.completion')
    expect(body.choices[0]?.message.content).toBe(STREAM_TEXT.join(''))

    const streamed = await worker.post(
      '/v1/chat/completions',
      { model: 'chat-default', messages, stream: true },
      withKey(CLIENT_KEYS[1] as string),
    )
    expect(streamed.status).toBe(200)
    expect(streamed.headers.get('x-modelport-target')).toBe('claude/claude-haiku-4-5')
    const text = await streamed.text()
    expect(text).toContain('"object":"chat.completion.chunk"')
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)

    expect(openai.hits).toBe(4)
    expect(anthropic.requests.map((request) => request.path)).toEqual(['/v1/messages', '/v1/messages'])
    expect(anthropic.requests[0]?.headers['x-api-key']).toBe(ANTHROPIC_API_KEY)
  })

  it('answers embeddings from its text-embedding route', async () => {
    openai.reset()
    const response = await worker.post(
      '/v1/embeddings',
      { model: 'text-embedding', input: 'The cat sat.' },
      withKey(CLIENT_KEYS[0] as string),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('openai/text-embedding-3-small')
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_API_KEY}`)
  })

  it('logs no provider key and no client key', () => {
    const log = worker.output()
    expect(log).toContain('claude/claude-haiku-4-5')
    for (const secret of [OPENAI_API_KEY, ANTHROPIC_API_KEY, ...CLIENT_KEYS])
      expect(log).not.toContain(secret)
  })
})
