/**
 * An OpenAI-compatible upstream on loopback whose fault is chosen by the model a request names, so
 * concurrent requests each get their own fault (a queue of cues would be consumed in any order under
 * load). It tracks open sockets and unanswered requests, so a test can check nothing is left behind.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** Model ids and what they do. */
export type Fault =
  | 'ok'
  | 'status-500'
  | 'status-503'
  | 'status-429-long'
  | 'status-400'
  | 'hang'
  | 'malformed'
  | 'cut-stream'
  | 'stall-stream'

export interface FaultyUpstream {
  baseUrl: string
  hits: number
  openSockets(): number
  unansweredRequests(): number
  close(): Promise<void>
}

const chunk = (model: string, delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-faulty',
    object: 'chat.completion.chunk',
    created: 1764288000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`

const completion = (model: string) => ({
  id: 'chatcmpl-faulty',
  object: 'chat.completion',
  created: 1764288000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
})

export async function startFaultyUpstream(): Promise<FaultyUpstream> {
  const sockets = new Set<Socket>()
  const unanswered = new Set<ServerResponse>()
  const state = { hits: 0 }
  const server = createServer(async (req, res) => {
    unanswered.add(res)
    res.on('close', () => unanswered.delete(res))
    let text = ''
    for await (const part of req) text += part
    state.hits++
    const body = JSON.parse(text || '{}') as { model: Fault; stream?: boolean }
    const fault = body.model
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(value))
    }
    switch (fault) {
      case 'hang':
        return
      case 'status-500':
      case 'status-503':
        return json(Number(fault.slice(7)), { error: { message: 'upstream trouble', type: 'server_error' } })
      case 'status-429-long':
        return json(429, { error: { message: 'slow down', type: 'rate_limit' } }, { 'retry-after': '30' })
      case 'status-400':
        return json(400, {
          error: { message: "Invalid 'messages'.", param: 'messages', code: 'invalid_value' },
        })
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('{"id": "chatcmpl-faulty", "choices": [ oops')
    }
    if (!body.stream) return json(200, completion(fault))
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(chunk(fault, { role: 'assistant', content: 'Hel' }))
    if (fault === 'cut-stream') {
      await new Promise((done) => setTimeout(done, 10))
      res.socket?.destroy()
      return
    }
    if (fault === 'stall-stream') return
    res.write(chunk(fault, { content: 'lo!' }))
    res.write(chunk(fault, {}, 'stop'))
    res.end('data: [DONE]\n\n')
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    openSockets: () => sockets.size,
    unansweredRequests: () => unanswered.size,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  })
}
