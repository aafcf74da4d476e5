/**
 * Structured logs: pino JSON lines, one access line per request with its id, and no key — a client's,
 * sent in a header, or a provider's, from the config or echoed back by the upstream — in any line.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { createLogger } from '../../src/observability/logger.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'

const clientKey = 'client-secret-key-0123456789'
const envKey = 'env-secret-key-0123456789'
const providerKey = 'sk-provider-secret-0123456789'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = []
  return { lines, write: (line: string) => void lines.push(line) }
}

let upstream: FakeUpstream
let server: RunningServer
let dir: string
const destination = capture()

beforeAll(async () => {
  upstream = await startFakeUpstream('openai')
  dir = await mkdtemp(join(tmpdir(), 'modelport-logs-'))
  const configPath = join(dir, 'modelport.json')
  await writeFile(
    configPath,
    JSON.stringify({
      providers: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own interpolation, read from env.
        openai: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: '${OPENAI_KEY}' },
      },
      routes: { chat: { retry: { attempts: 1 }, targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] } },
      auth: { keys: [{ name: 'app', sha256: sha256(clientKey) }] },
    }),
  )
  server = await startServer({
    port: 0,
    builtins: false,
    modelsDir: join(dir, 'none'),
    configPath,
    env: { OPENAI_KEY: providerKey },
    apiKeys: [envKey],
    ocr: false,
    log: createLogger({ destination }),
  })
})

afterAll(async () => {
  await server?.close()
  await upstream?.close()
  await rm(dir, { recursive: true, force: true })
})

const chat = (headers: Record<string, string>) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `my key is ${clientKey}` }] }),
  })

const parsed = () => destination.lines.map((line) => JSON.parse(line) as Record<string, unknown>)

describe('logs', () => {
  it('writes one JSON access line per request, with its id, route, model, target, attempts and key name', async () => {
    const response = await chat({ authorization: `Bearer ${clientKey}`, 'x-request-id': 'trace-42' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('trace-42')
    const line = parsed().find((entry) => entry.requestId === 'trace-42')
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      model: 'chat',
      target: 'openai/gpt-4o-mini',
      attempts: 1,
      keyName: 'app',
    })
    expect(line?.ms).toBeGreaterThan(0)
    expect(line?.time).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('logs a generated request id when the client sends none, the one the response carries', async () => {
    const response = await fetch(`${server.url}/v2`, { headers: { authorization: `Bearer ${envKey}` } })
    const id = response.headers.get('x-request-id')
    expect(id).toBeTruthy()
    expect(parsed().find((entry) => entry.requestId === id)).toMatchObject({
      path: '/v2',
      status: 200,
      keyName: expect.stringMatching(/^env-[0-9a-f]{8}$/),
    })
  })

  it('never writes a key: not the client’s (in a header or a refused attempt), not the provider’s (from config or echoed)', async () => {
    await chat({ authorization: `Bearer ${clientKey}`, 'x-api-key': clientKey })
    await chat({ authorization: `Bearer ${clientKey}-wrong`, 'x-request-id': 'refused-1' })
    // The upstream refuses and echoes the key it was sent, as OpenAI's 401 does.
    upstream.cue({
      kind: 'status',
      status: 401,
      body: {
        error: { message: `Incorrect API key provided: ${providerKey}.`, type: 'invalid_request_error' },
      },
    })
    expect((await chat({ authorization: `Bearer ${envKey}`, 'x-request-id': 'upstream-401' })).status).toBe(
      401,
    )
    // An unhandled path with the key in the query string: paths are logged, query strings are not.
    await fetch(`${server.url}/nothing?key=${clientKey}`, {
      headers: { authorization: `Bearer ${clientKey}` },
    })

    expect(parsed().find((entry) => entry.requestId === 'refused-1')).toMatchObject({ status: 401 })
    expect(parsed().find((entry) => entry.requestId === 'upstream-401')).toMatchObject({ status: 401 })
    expect(destination.lines.length).toBeGreaterThan(4)
    for (const line of destination.lines) {
      expect(line).not.toContain(clientKey)
      expect(line).not.toContain(envKey)
      expect(line).not.toContain(providerKey)
    }
  })

  it('keeps health probes and scrapes out of an info-level log', async () => {
    await fetch(`${server.url}/v2/health/live`, { headers: { 'x-request-id': 'probe-1' } })
    await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${clientKey}`, 'x-request-id': 'scrape-1' },
    })
    await fetch(`${server.url}/v2`, {
      headers: { authorization: `Bearer ${clientKey}`, 'x-request-id': 'after-1' },
    })
    const ids = parsed().map((entry) => entry.requestId)
    expect(ids).toContain('after-1')
    expect(ids).not.toContain('probe-1')
    expect(ids).not.toContain('scrape-1')
  })
})

describe('createLogger', () => {
  it('censors credentials by field name, at the top, under headers and in provider settings', () => {
    const out = capture()
    const log = createLogger({ destination: out })
    log.warn('provider call', {
      authorization: 'Bearer a-secret',
      'x-api-key': 'h-secret',
      headers: { authorization: 'Bearer b-secret', 'x-api-key': 'c-secret', accept: 'json' },
      provider: { apiKey: 'd-secret', headers: { authorization: 'e-secret' } },
      providers: { openai: { apiKey: 'f-secret', headers: { 'x-custom': 'g-secret' } } },
    })
    expect(out.lines).toHaveLength(1)
    expect(out.lines[0]).not.toMatch(/[a-h]-secret/)
    expect(JSON.parse(out.lines[0] as string)).toMatchObject({
      level: 'warn',
      msg: 'provider call',
      headers: { accept: 'json' },
    })
  })

  it('writes debug lines only at level debug, and refuses an unknown level', () => {
    const quiet = capture()
    createLogger({ destination: quiet }).debug('hidden')
    const loud = capture()
    createLogger({ destination: loud, level: 'debug' }).debug('shown')
    expect([quiet.lines.length, loud.lines.length]).toEqual([0, 1])
    expect(() => createLogger({ level: 'verbose' })).toThrow(
      /The log level must be one of trace, debug, info/,
    )
  })
})
