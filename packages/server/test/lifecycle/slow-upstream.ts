/**
 * An OpenAI-compatible upstream on loopback that takes its time: a completion answers after `delayMs`,
 * a stream sends a chunk every `intervalMs`. Model `stall` streams one chunk and then nothing. It
 * counts requests received, so a test knows when its requests are in flight.
 */
import { createServer, type ServerResponse } from 'node:http'

export interface SlowUpstream {
  baseUrl: string
  received: number
  close(): Promise<void>
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-slow',
    object: 'chat.completion.chunk',
    created: 1764288000,
    model: 'slow',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })}\n\n`

export async function startSlowUpstream(options: { delayMs: number; intervalMs: number; chunks: number }) {
  const open = new Set<ServerResponse>()
  const upstream = { received: 0 }
  const server = createServer(async (req, res) => {
    let text = ''
    for await (const part of req) text += part
    upstream.received++
    const body = JSON.parse(text || '{}') as { model?: string; stream?: boolean }
    open.add(res)
    res.on('close', () => open.delete(res))
    const wait = (ms: number) => new Promise((done) => setTimeout(done, ms))
    if (!body.stream) {
      await wait(options.delayMs)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'chatcmpl-slow',
          object: 'chat.completion',
          created: 1764288000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'slow' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      )
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const count = body.model === 'stall' ? 1 : options.chunks
    for (let i = 0; i < count && !res.destroyed; i++) {
      res.write(chunk(`${i}`))
      await wait(options.intervalMs)
    }
    if (body.model === 'stall') return
    res.write(chunk('', 'stop'))
    res.end('data: [DONE]\n\n')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return Object.assign(upstream, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }) satisfies SlowUpstream
}

/** A config file's contents routing `slow` and `stall` to the upstream. */
export function slowConfig(baseUrl: string) {
  return {
    providers: { slow: { type: 'openai-compatible', baseUrl } },
    routes: {
      slow: { targets: [{ provider: 'slow', model: 'slow' }] },
      stall: { targets: [{ provider: 'slow', model: 'stall' }] },
    },
  }
}
