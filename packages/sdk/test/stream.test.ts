import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  type ChatCompletionChunk,
  ConnectionError,
  createModelport,
  RateLimitError,
  TimeoutError,
  UserAbortError,
} from '../src/index'
import { createEventParser, type ServerSentEvent } from '../src/sse'
import { json, rejection, serve, v1Error } from './support/serve'

describe('createEventParser', () => {
  const parse = (chunks: string[]) => {
    const events: ServerSentEvent[] = []
    const feed = createEventParser((event) => events.push(event))
    for (const chunk of chunks) feed(chunk)
    feed('', true)
    return events
  }
  const oneByOne = (text: string) => Array.from(text)

  const cases: [string, { given: string[]; want: ServerSentEvent[] }][] = [
    ['one data line', { given: ['data: {"a":1}\n\n'], want: [{ event: '', data: '{"a":1}' }] }],
    [
      'two events in one chunk',
      {
        given: ['data: a\n\ndata: b\n\n'],
        want: [
          { event: '', data: 'a' },
          { event: '', data: 'b' },
        ],
      },
    ],
    ['an event name', { given: ['event: error\ndata: {}\n\n'], want: [{ event: 'error', data: '{}' }] }],
    [
      'several data lines joined by newlines',
      { given: ['data: a\ndata: b\n\n'], want: [{ event: '', data: 'a\nb' }] },
    ],
    ['no space after the colon', { given: ['data:x\n\n'], want: [{ event: '', data: 'x' }] }],
    ['only the first space is dropped', { given: ['data:  x\n\n'], want: [{ event: '', data: ' x' }] }],
    [
      'CRLF line endings',
      {
        given: ['data: a\r\n\r\ndata: b\r\n\r\n'],
        want: [
          { event: '', data: 'a' },
          { event: '', data: 'b' },
        ],
      },
    ],
    [
      'CR line endings',
      {
        given: ['data: a\r\rdata: b\r\r'],
        want: [
          { event: '', data: 'a' },
          { event: '', data: 'b' },
        ],
      },
    ],
    [
      'a CRLF cut between chunks',
      { given: ['data: a\r', '\ndata: b\r', '\n\r\n'], want: [{ event: '', data: 'a\nb' }] },
    ],
    [
      'every character its own chunk',
      {
        given: oneByOne('event: x\r\ndata: 1\r\n\r\ndata: 2\n\n'),
        want: [
          { event: 'x', data: '1' },
          { event: '', data: '2' },
        ],
      },
    ],
    [
      'comments and unknown fields are skipped',
      { given: [': keep-alive\nid: 7\nretry: 10\nfoo: bar\ndata: a\n\n'], want: [{ event: '', data: 'a' }] },
    ],
    ['a blank line with no data dispatches nothing', { given: ['\n\nevent: lonely\n\n'], want: [] }],
    [
      'the event name does not leak into the next event',
      {
        given: ['event: error\ndata: 1\n\ndata: 2\n\n'],
        want: [
          { event: 'error', data: '1' },
          { event: '', data: '2' },
        ],
      },
    ],
    ['an unfinished event is dropped at the end', { given: ['data: a\n'], want: [] }],
    ['a final CR ends the last line at the end', { given: ['data: a\r'], want: [] }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(parse(given)).toEqual(want)
  })

  it('holds a CR at the end of a chunk until it knows whether an LF follows', () => {
    const events: ServerSentEvent[] = []
    const feed = createEventParser((event) => events.push(event))
    feed('data: a\r\r')
    expect(events).toEqual([])
    feed('data: b\n\n')
    expect(events).toEqual([
      { event: '', data: 'a' },
      { event: '', data: 'b' },
    ])
  })
})

const chunk = (content: string, finish: string | null = null): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1764288000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      delta: { content },
      finish_reason: finish as ChatCompletionChunk['choices'][number]['finish_reason'],
    },
  ],
})

const sse = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`

function startStream(res: ServerResponse, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req-s', ...headers })
  res.flushHeaders()
}

const body = { model: 'chat-default', messages: [{ role: 'user' as const, content: 'Hi' }] }

describe('chat.completions.stream', () => {
  it('yields typed chunks until [DONE], from a streaming request', async () => {
    const server = await serve((_req, res) => {
      startStream(res, { 'x-modelport-target': 'openai/gpt-4o-mini' })
      res.end(`${sse(chunk('Hel'))}: keep-alive\n\n${sse(chunk('lo!', 'stop'))}data: [DONE]\n\n`)
    })
    const stream = createModelport({ baseUrl: server.url }).chat.completions.stream(body)
    const contents: (string | null | undefined)[] = []
    for await (const part of stream) contents.push(part.choices[0]?.delta.content)
    expect(contents).toEqual(['Hel', 'lo!'])
    const request = server.requests[0]
    expect(request?.url).toBe('/v1/chat/completions')
    expect(request?.headers.accept).toBe('text/event-stream')
    expect(JSON.parse(request?.body ?? '')).toEqual({ ...body, stream: true })
    const response = await stream.response
    expect(response.headers.get('x-modelport-target')).toBe('openai/gpt-4o-mini')
  })

  it('reassembles events and UTF-8 characters cut across network writes', async () => {
    const text = `${sse(chunk('漢字 ✓'))}data: [DONE]\n\n`
    const bytes = Buffer.from(text, 'utf8')
    const server = await serve(async (_req, res) => {
      startStream(res)
      for (let at = 0; at < bytes.length; at += 3) {
        res.write(bytes.subarray(at, at + 3))
        await new Promise((resolve) => setImmediate(resolve))
      }
      res.end()
    })
    const parts: ChatCompletionChunk[] = []
    for await (const part of createModelport({ baseUrl: server.url }).chat.completions.stream(body))
      parts.push(part)
    expect(parts.map((p) => p.choices[0]?.delta.content)).toEqual(['漢字 ✓'])
  })

  it('sends nothing until it is used', async () => {
    const server = await serve((_req, res) => json(res, 500, {}))
    createModelport({ baseUrl: server.url }).chat.completions.stream(body)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.requests).toHaveLength(0)
  })

  it('break ends the request: the server sees the connection close', async () => {
    const server = await serve((_req, res) => {
      startStream(res)
      res.write(sse(chunk('first')))
      // ...and never ends on its own.
    })
    const stream = createModelport({ baseUrl: server.url }).chat.completions.stream(body)
    for await (const part of stream) {
      expect(part.choices[0]?.delta.content).toBe('first')
      break
    }
    await server.closed(0)
  })

  it('throws the typed error an `event: error` carries, after the chunks before it', async () => {
    const server = await serve((_req, res) => {
      startStream(res)
      res.write(sse(chunk('partial')))
      res.end(
        `event: error\ndata: ${JSON.stringify(v1Error('Every target is rate limited.', 'rate_limit_error', 'rate_limited'))}\n\n`,
      )
    })
    const seen: string[] = []
    const error = await rejection(
      (async () => {
        for await (const part of createModelport({ baseUrl: server.url }).chat.completions.stream(body))
          seen.push(part.choices[0]?.delta.content ?? '')
      })(),
    )
    expect(seen).toEqual(['partial'])
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({
      message: 'Every target is rate limited.',
      code: 'rate_limited',
      requestId: 'req-s',
    })
    expect(server.requests).toHaveLength(1)
  })

  it('throws UserAbortError when the caller aborts mid-stream, and closes the connection', async () => {
    const server = await serve((_req, res) => {
      startStream(res)
      res.write(sse(chunk('one')))
    })
    const controller = new AbortController()
    const error = await rejection(
      (async () => {
        for await (const _ of createModelport({ baseUrl: server.url }).chat.completions.stream(body, {
          signal: controller.signal,
        }))
          controller.abort()
      })(),
    )
    expect(error).toBeInstanceOf(UserAbortError)
    await server.closed(0)
  })

  it('throws ConnectionError for a stream that ends without [DONE], and does not retry it', async () => {
    const server = await serve((_req, res) => {
      startStream(res)
      res.end(sse(chunk('cut')))
    })
    const error = await rejection(
      (async () => {
        for await (const _ of createModelport({ baseUrl: server.url }).chat.completions.stream(body)) {
        }
      })(),
    )
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.code).toBe('stream_truncated')
    expect(server.requests).toHaveLength(1)
  })

  it('throws ConnectionError when the connection breaks mid-stream, without retrying', async () => {
    const server = await serve((_req, res) => {
      startStream(res)
      res.write(sse(chunk('one')))
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const error = await rejection(
      (async () => {
        for await (const _ of createModelport({ baseUrl: server.url }).chat.completions.stream(body)) {
        }
      })(),
    )
    expect(error).toBeInstanceOf(ConnectionError)
    expect(server.requests).toHaveLength(1)
  })

  it('retries a 503 before the stream starts', async () => {
    const server = await serve((_req, res, index) => {
      if (index === 0)
        return json(res, 503, v1Error('busy', 'upstream_error', 'no_target_available'), {
          'retry-after-ms': '0',
        })
      startStream(res)
      res.end(`${sse(chunk('ok'))}data: [DONE]\n\n`)
    })
    const parts: ChatCompletionChunk[] = []
    for await (const part of createModelport({ baseUrl: server.url }).chat.completions.stream(body))
      parts.push(part)
    expect(parts).toHaveLength(1)
    expect(server.requests).toHaveLength(2)
  })

  it('throws a 400 before the stream, without retrying', async () => {
    const server = await serve((_req, res) =>
      json(res, 400, v1Error("Route 'nope' does not exist.", 'invalid_request_error', 'model_not_found')),
    )
    const stream = createModelport({ baseUrl: server.url }).chat.completions.stream(body)
    const error = await rejection(stream.response)
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error.code).toBe('model_not_found')
    expect(server.requests).toHaveLength(1)
  })

  it('applies the timeout to the wait for headers, not to the whole stream', async () => {
    const slow = await serve(async (_req, res) => {
      startStream(res)
      for (const word of ['a', 'b', 'c']) {
        await new Promise((resolve) => setTimeout(resolve, 120))
        res.write(sse(chunk(word)))
      }
      res.end('data: [DONE]\n\n')
    })
    const words: string[] = []
    for await (const part of createModelport({ baseUrl: slow.url, timeout: 100 }).chat.completions.stream(
      body,
    ))
      words.push(part.choices[0]?.delta.content ?? '')
    expect(words).toEqual(['a', 'b', 'c'])

    const silent = await serve(() => {})
    const mp = createModelport({ baseUrl: silent.url, timeout: 100, maxRetries: 0 })
    expect(await rejection(mp.chat.completions.stream(body).response)).toBeInstanceOf(TimeoutError)
  })

  it('gives the raw event stream for piping instead of iterating', async () => {
    const text = `${sse(chunk('raw'))}data: [DONE]\n\n`
    const server = await serve((_req, res) => {
      startStream(res)
      res.end(text)
    })
    const response = await createModelport({ baseUrl: server.url }).chat.completions.stream(body).response
    expect(response.headers.get('x-request-id')).toBe('req-s')
    // As a route handler passes it on: the body as the body of its own response.
    const piped = new Response(response.body, { headers: { 'content-type': 'text/event-stream' } })
    expect(await piped.text()).toBe(text)
  })
})
