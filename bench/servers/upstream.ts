/**
 * A loopback OpenAI-like upstream: every chat completion gets the same small answer, non-streamed, or
 * with `"stream": true` in the body as server-sent events: one chunk per token of `max_tokens` (default
 * 20), written one per turn of the event loop, then `data: [DONE]`.
 */
import { createServer } from 'node:http'

const answer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How can I help you today?' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
})

const chunk = (index: number, count: number) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        delta: index === 0 ? { role: 'assistant', content: 'Hello' } : { content: ` word${index}` },
        finish_reason: index === count - 1 ? 'stop' : null,
      },
    ],
  })}\n\n`

function stream(res: import('node:http').ServerResponse, count: number) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  let index = 0
  const next = () => {
    if (index < count) {
      res.write(chunk(index++, count))
      setImmediate(next)
    } else res.end('data: [DONE]\n\n')
  }
  next()
}

const server = createServer((req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    // Only a streamed request is parsed: the non-streamed path stays as cheap as it was.
    const body = Buffer.concat(parts)
    if (body.includes('"stream":true')) return stream(res, JSON.parse(String(body)).max_tokens ?? 20)
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) })
    res.end(answer)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ ready: typeof address === 'object' && address ? address.port : 0 })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
// The runner is gone (it was stopped or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))
