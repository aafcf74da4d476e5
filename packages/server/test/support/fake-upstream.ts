/**
 * Real upstream servers on loopback (port 0) that play OpenAI, Anthropic or Hugging Face, and
 * misbehave on cue. Each request takes the next cue (then plays the protocol properly); the server
 * counts hits, records requests, and tracks open sockets and unanswered requests so tests can check
 * that nothing is left behind.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { fakeVector } from './vectors.js'

export type Dialect = 'openai' | 'anthropic' | 'huggingface'

export type Cue =
  /** Answer properly. */
  | { kind: 'ok' }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Read the request, never send a status line. */
  | { kind: 'hang' }
  /** Send headers and part of a JSON body, then nothing. */
  | { kind: 'stall-body' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** Streams: send `after` events, then destroy the socket. */
  | { kind: 'cut-stream'; after: number }
  /** Streams: send `after` events, then end the body cleanly without the terminal event. */
  | { kind: 'end-stream'; after: number }
  /** Streams: send `after` events, then stall. */
  | { kind: 'stall-stream'; after: number }

export interface RecordedRequest {
  path: string
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}

export interface FakeUpstream {
  /** e.g. `http://127.0.0.1:PORT/v1` for openai. */
  baseUrl: string
  origin: string
  hits: number
  requests: RecordedRequest[]
  /** Queues cues for the next requests. */
  cue(...cues: Cue[]): void
  /** Clears cues and counters. */
  reset(): void
  openSockets(): number
  /** Requests still waiting for their socket to finish or close. */
  unansweredRequests(): number
  close(): Promise<void>
}

export const STREAM_TEXT = ['Hel', 'lo', '!']

const sse = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

function openAIChat(body: Record<string, unknown>) {
  const tools = body.tools as { function: { name: string } }[] | undefined
  const message = tools?.length
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: tools[0]?.function.name, arguments: '{"city":"Paris"}' },
          },
        ],
      }
    : { role: 'assistant', content: STREAM_TEXT.join('') }
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1764288000,
    model: body.model,
    choices: [{ index: 0, message, finish_reason: tools?.length ? 'tool_calls' : 'stop', logprobs: null }],
    usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
  }
}

function openAIEvents(body: Record<string, unknown>): string[] {
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1764288000,
    model: body.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  })
  const events = [
    sse(chunk({ role: 'assistant', content: '' })),
    ...STREAM_TEXT.map((text) => sse(chunk({ content: text }))),
    sse(chunk({}, 'stop')),
  ]
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
    events.push(
      sse({ ...chunk({}), choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }),
    )
  return [...events, sse('[DONE]')]
}

function anthropicMessage(body: Record<string, unknown>) {
  const tools = body.tools as { name: string }[] | undefined
  const content = tools?.length
    ? [{ type: 'tool_use', id: 'toolu_1', name: tools[0]?.name, input: { city: 'Paris' } }]
    : [{ type: 'text', text: STREAM_TEXT.join('') }]
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: tools?.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 9, output_tokens: 3 },
  }
}

function anthropicEvents(body: Record<string, unknown>): string[] {
  const tools = body.tools as { name: string }[] | undefined
  const event = (data: { type: string }) => sse(data, data.type)
  const blocks = tools?.length
    ? [
        event({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: tools[0]?.name, input: {} },
        } as { type: string }),
        ...['{"city":', '"Paris"}'].map((partial_json) =>
          event({
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'input_json_delta', partial_json },
          } as {
            type: string
          }),
        ),
      ]
    : [
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as {
          type: string
        }),
        ...STREAM_TEXT.map((text) =>
          event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } as {
            type: string
          }),
        ),
      ]
  return [
    event({
      type: 'message_start',
      message: { id: 'msg_fake', model: body.model, usage: { input_tokens: 9, output_tokens: 1 } },
    } as { type: string }),
    event({ type: 'ping' }),
    ...blocks,
    event({ type: 'content_block_stop', index: 0 } as { type: string }),
    event({
      type: 'message_delta',
      delta: { stop_reason: tools?.length ? 'tool_use' : 'end_turn' },
      usage: { output_tokens: 3 },
    } as { type: string }),
    event({ type: 'message_stop' }),
  ]
}

function embeddingsAnswer(body: Record<string, unknown>, dimensions: number) {
  const input = typeof body.input === 'string' ? [body.input] : (body.input as string[])
  return {
    object: 'list',
    model: body.model,
    data: input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: fakeVector(text, (body.dimensions as number | undefined) ?? dimensions),
    })),
    usage: { prompt_tokens: input.length * 2, total_tokens: input.length * 2 },
  }
}

/** What a proper answer is: a JSON value, or SSE events. */
function answerFor(dialect: Dialect, path: string, body: Record<string, unknown>, dimensions: number) {
  if (path.endsWith('/pipeline/feature-extraction')) {
    return { json: (body.inputs as string[]).map((text) => fakeVector(text, dimensions)) }
  }
  if (path.endsWith('/embeddings')) return { json: embeddingsAnswer(body, dimensions) }
  if (dialect === 'anthropic')
    return body.stream ? { events: anthropicEvents(body) } : { json: anthropicMessage(body) }
  return body.stream ? { events: openAIEvents(body) } : { json: openAIChat(body) }
}

const flushed = (res: ServerResponse, text: string) =>
  new Promise<void>((done) => res.write(text, () => done()))

export async function startFakeUpstream(
  dialect: Dialect,
  options: { dimensions?: number } = {},
): Promise<FakeUpstream> {
  const dimensions = options.dimensions ?? 8
  const sockets = new Set<Socket>()
  const unanswered = new Set<ServerResponse>()
  let cues: Cue[] = []
  const upstream = {
    hits: 0,
    requests: [] as RecordedRequest[],
  }

  const server = createServer(async (req, res) => {
    unanswered.add(res)
    res.on('close', () => unanswered.delete(res))
    let text = ''
    for await (const part of req) text += part
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(text)
    } catch {
      // Recorded as empty; the cue decides the answer.
    }
    upstream.hits++
    upstream.requests.push({ path: req.url ?? '', headers: req.headers, body })
    const cue = cues.shift() ?? { kind: 'ok' }
    const answer = answerFor(dialect, req.url ?? '', body, dimensions)

    switch (cue.kind) {
      case 'hang':
        return
      case 'status':
        res.writeHead(cue.status, { 'content-type': 'application/json', ...cue.headers })
        res.end(JSON.stringify(cue.body ?? { error: { message: `fake ${cue.status}`, type: 'fake_error' } }))
        return
      case 'stall-body':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"id":"chatcmpl-fake","choices":[')
        return
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"id": "chatcmpl-fake", "choices": [ oops')
        return
    }
    if (answer.json !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer.json))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const events = answer.events ?? []
    const count = cue.kind === 'ok' ? events.length : cue.after
    for (const event of events.slice(0, count)) await flushed(res, event)
    if (cue.kind === 'cut-stream') res.socket?.destroy()
    else if (cue.kind === 'ok' || cue.kind === 'end-stream') res.end()
    // stall-stream: leave it open.
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  const origin = `http://127.0.0.1:${port}`
  return Object.assign(upstream, {
    origin,
    baseUrl: dialect === 'huggingface' ? `${origin}/v1` : `${origin}/v1`,
    cue: (...next: Cue[]) => {
      cues.push(...next)
    },
    reset() {
      cues = []
      upstream.hits = 0
      upstream.requests = []
    },
    openSockets: () => sockets.size,
    unansweredRequests: () => unanswered.size,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  })
}

/** Polls until `check` holds (sockets close a moment after the answer), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) return false
    await new Promise((done) => setTimeout(done, 10))
  }
  return true
}
