/**
 * Provider keys never leave, against a real server in its own process: upstreams that echo the key back in
 * every field of an error (message, code, type, param), in variant forms (upper case, base64, URL-encoded,
 * JSON-escaped, a piece of it), mid-stream, and redirects to another origin that would collect the
 * credential headers. No response and no log line may hold any 12-character piece of a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, startHostileServer } from './support/hostile-server.js'
import { type HostileUpstream, startHostileUpstream } from './support/hostile-upstream.js'

const KEY = 'sk-hostile-Q2x9Lm4Rt7Vb1Nc8Zp3Kw6Hy5Jd0Fg'
const ANTHROPIC_KEY = 'sk-ant-api03-Tq8Wn2Xc5Vb7Lk1Jh4Gf6Ds9Ap0Zm'
const CUSTOM = 'custom-credential-7Hq2Lx9Vw4Rt'

let upstream: HostileUpstream
/** Claude's upstream: it echoes its own key. */
let anthropic: HostileUpstream
let elsewhere: HostileUpstream
let server: HostileServer

const routes = {
  'echo-error': 'up',
  'echo-escaped': 'up',
  'echo-code': 'up',
  'echo-stream': 'up',
  'redirect-away': 'up',
  'redirect-home': 'up',
  'claude-redirect-away': 'claude',
  'claude-echo-error': 'claude',
}

beforeAll(async () => {
  elsewhere = await startHostileUpstream(KEY)
  upstream = await startHostileUpstream(KEY, () => elsewhere.baseUrl.replace('/v1', ''))
  anthropic = await startHostileUpstream(ANTHROPIC_KEY, () => elsewhere.baseUrl.replace('/v1', ''))
  server = await startHostileServer({
    config: {
      providers: {
        up: {
          type: 'openai-compatible',
          baseUrl: upstream.baseUrl,
          apiKey: KEY,
          headers: { 'x-team-key': CUSTOM },
        },
        claude: { type: 'anthropic', baseUrl: anthropic.baseUrl, apiKey: ANTHROPIC_KEY },
      },
      routing: { retry: { attempts: 1 } },
      routes: Object.fromEntries(
        Object.entries(routes).map(([route, provider]) => [
          route,
          { targets: [{ provider, model: route.replace(/^claude-/, '') }] },
        ]),
      ),
    },
  })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
  await anthropic?.close()
  await elsewhere?.close()
})

/** Every 12-character piece of a value, lower-cased, and of its base64. */
function pieces(value: string): string[] {
  const forms = [value, Buffer.from(value).toString('base64'), encodeURIComponent(value)]
  return forms.flatMap((form) =>
    Array.from({ length: Math.max(0, form.length - 11) }, (_, i) => form.slice(i, i + 12).toLowerCase()),
  )
}
const secrets = [KEY, ANTHROPIC_KEY, CUSTOM].flatMap(pieces)
const leaked = (text: string) => {
  const lower = text.toLowerCase()
  return secrets.filter((piece) => lower.includes(piece))
}

const chat = async (model: string, stream = false) => {
  const answer = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'the prompt' }] }),
  })
  return { status: answer.status, text: await answer.text() }
}

describe('keys echoed by an upstream', () => {
  it('in every field of an error: message redacted, code and type generic, param dropped', async () => {
    const { status, text } = await chat('echo-error')
    expect(leaked(text)).toEqual([])
    expect(status).toBe(401)
    expect(JSON.parse(text)).toEqual({
      error: {
        message:
          'up/echo-error answered 401: Incorrect API key provided: [redacted]. Upper: [redacted]. b64: [redacted]. url: [redacted]. piece: [redacted]',
        type: 'authentication_error',
        code: 'upstream_rejected',
        param: null,
      },
    })
  })

  it('JSON-escaped in the message, a key-like code, a piece as the param', async () => {
    const { status, text } = await chat('echo-escaped')
    expect(leaked(text)).toEqual([])
    expect(status).toBe(400)
    expect(JSON.parse(text).error).toEqual({
      message: 'up/echo-escaped answered 400: bad key [redacted]',
      type: 'invalid_request_error',
      code: 'invalid_request_error',
      param: null,
    })
  })

  it('an unknown code or type becomes the generic one; a field path param is kept', async () => {
    const { status, text } = await chat('echo-code')
    expect(status).toBe(400)
    expect(JSON.parse(text).error).toMatchObject({ code: 'upstream_rejected', param: 'messages' })
  })

  it('by Anthropic, in its own error dialect', async () => {
    const { text } = await chat('claude-echo-error')
    expect(leaked(text)).toEqual([])
    expect(JSON.parse(text).error.message).toContain('[redacted]')
  })

  it('in an error event mid-stream', async () => {
    const { status, text } = await chat('echo-stream', true)
    expect(status).toBe(200)
    expect(leaked(text)).toEqual([])
    const last = text.trimEnd().split('\n\n').at(-1) as string
    expect(JSON.parse(last.replace('event: error\ndata: ', ''))).toEqual({
      error: {
        message: 'up/echo-stream reported mid-stream: key [redacted] rejected',
        code: 'stream_error',
        type: 'upstream_error',
        param: null,
      },
    })
  })
})

describe('redirects', () => {
  it.each([
    ['redirect-away', 'an OpenAI-compatible provider'],
    ['claude-redirect-away', 'Anthropic'],
  ])('%s: %s redirected to another origin sends no credential header there', async (route) => {
    const before = elsewhere.requests.length
    const { status, text } = await chat(route)
    expect(text).toContain('landed')
    expect(status).toBe(200)
    expect(text).toContain('landed')
    const arrived = elsewhere.requests.slice(before)
    expect(arrived).toHaveLength(1)
    const headers = arrived[0]?.headers ?? {}
    expect(headers.authorization).toBeUndefined()
    expect(headers['x-api-key']).toBeUndefined()
    expect(headers['x-team-key']).toBeUndefined()
    expect(leaked(JSON.stringify(headers))).toEqual([])
  })

  it('a redirect within the origin keeps the credentials', async () => {
    const before = upstream.requests.length
    const { status } = await chat('redirect-home')
    expect(status).toBe(200)
    const landing = upstream.requests.slice(before).find((request) => request.url.startsWith('/landing'))
    expect(landing?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(landing?.headers['x-team-key']).toBe(CUSTOM)
  })
})

describe('the logs', () => {
  it('hold no piece of any key, in any form', () => {
    const output = server.output()
    expect(output).toContain('upstream attempt failed')
    expect(leaked(output)).toEqual([])
  })
})
