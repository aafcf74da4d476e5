/**
 * An OpenAI-compatible upstream on loopback that misbehaves on purpose, chosen by the model a request
 * names: answers without end (whole, streamed, as an error), a stream line that never ends, keys echoed
 * in every field of an error, redirects to another origin. It counts the bytes it wrote, so a test can
 * tell the server stopped reading.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export interface HostileUpstream {
  baseUrl: string
  /** Bytes written into bodies so far. */
  written: number
  /** Requests seen, with their headers. */
  requests: { url: string; headers: IncomingMessage['headers'] }[]
  close(): Promise<void>
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20)

/** Writes `piece()` until the client leaves (or `max` bytes), honouring back-pressure. */
async function endless(
  res: ServerResponse,
  piece: () => Buffer,
  state: { written: number },
  max = 16 * 2 ** 30,
) {
  let sent = 0
  while (!res.destroyed && sent < max) {
    const chunk = piece()
    sent += chunk.byteLength
    state.written += chunk.byteLength
    if (!res.write(chunk)) {
      await new Promise<void>((done) => {
        res.once('drain', done)
        res.once('close', done)
      })
    }
  }
  if (!res.destroyed) res.end()
}

const sse = (value: unknown) => Buffer.from(`data: ${JSON.stringify(value)}\n\n`)

const chunkEvent = (content: string) =>
  sse({
    id: 'chatcmpl-hostile',
    object: 'chat.completion.chunk',
    created: 1764288000,
    model: 'hostile',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })

/**
 * `leak` is what the server must never pass on: the test gives it the provider's key, and the upstream
 * answers it back in every form an upstream might.
 */
export async function startHostileUpstream(leak: string, elsewhere?: () => string): Promise<HostileUpstream> {
  const state = { written: 0, requests: [] as HostileUpstream['requests'] }
  const server = createServer(async (req, res) => {
    state.requests.push({ url: req.url ?? '', headers: req.headers })
    let text = ''
    for await (const part of req) text += part
    if (req.url?.startsWith('/landing')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      const anthropic = {
        id: 'msg_landed',
        type: 'message',
        role: 'assistant',
        model: 'landed',
        content: [{ type: 'text', text: 'landed' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      }
      const openai = { choices: [{ index: 0, message: { role: 'assistant', content: 'landed' } }] }
      return res.end(JSON.stringify(req.url.endsWith('/messages') ? anthropic : openai))
    }
    const model = (JSON.parse(text || '{}') as { model?: string }).model ?? ''
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    const start = (status: number, type = 'application/json') =>
      res.writeHead(status, { 'content-type': type })
    switch (model) {
      case 'endless-json':
        start(200)
        res.write('{"id":"x","choices":[')
        return endless(res, () => CHUNK, state)
      case 'declared-huge':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 2 ** 30) })
        return endless(res, () => CHUNK, state)
      case 'endless-error':
        start(500)
        res.write('{"error":{"message":"')
        return endless(res, () => CHUNK, state)
      case 'endless-stream':
        start(200, 'text/event-stream')
        return endless(res, () => chunkEvent('word '.repeat(200)), state)
      case 'no-newline-stream':
        start(200, 'text/event-stream')
        res.write('data: ')
        return endless(res, () => Buffer.alloc(1024, 0x61), state)
      case 'huge-event-stream':
        // Lines that end, but an event that never does (no blank line).
        start(200, 'text/event-stream')
        return endless(res, () => Buffer.from(`data: ${'b'.repeat(1000)}\n`), state)
      case 'echo-error': {
        const b64 = Buffer.from(leak).toString('base64')
        return json(401, {
          error: {
            message: `Incorrect API key provided: ${leak}. Upper: ${leak.toUpperCase()}. b64: ${b64}. url: ${encodeURIComponent(leak)}. piece: ${leak.slice(3, 23)}`,
            type: leak,
            code: leak.toUpperCase(),
            param: `x-api-key: ${leak}`,
          },
        })
      }
      case 'echo-escaped':
        res.writeHead(400, { 'content-type': 'application/json' })
        // A key written with JSON escapes: parsed, it is the key itself.
        return res.end(
          `{"error":{"message":"bad key ${[...leak].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}","type":"invalid_request_error","code":"sk_${'z'.repeat(40)}","param":"${leak.slice(0, 12)}"}}`,
        )
      case 'echo-code':
        return json(400, {
          error: { message: 'no', type: 'totally_custom_type', code: 'weird-code-123', param: 'messages' },
        })
      case 'echo-stream': {
        start(200, 'text/event-stream')
        res.write(chunkEvent('Hel'))
        res.end(sse({ error: { message: `key ${leak} rejected`, type: leak, code: leak } }))
        return
      }
      case 'redirect-away':
        res.writeHead(307, { location: `${elsewhere?.()}/landing${req.url}` })
        return res.end()
      case 'redirect-home':
        res.writeHead(307, { location: `/landing${req.url}` })
        return res.end()
      default:
        return json(200, {
          id: 'chatcmpl-hostile',
          object: 'chat.completion',
          created: 1764288000,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        })
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  })
}
