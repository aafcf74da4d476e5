/**
 * An OpenAI-like upstream on loopback that answers each chat completion after a fixed delay, so
 * that under load some completions are always in flight on every replica: what a drain must finish
 * and what a killed replica loses.
 */
import { createServer } from 'node:http'

export interface SlowUpstream {
  baseUrl: string
  /** Completions answered. */
  answered(): number
  close(): Promise<void>
}

export async function startSlowUpstream(delayMs: number): Promise<SlowUpstream> {
  let answered = 0
  const server = createServer((request, response) => {
    request.resume()
    request.once('end', () => {
      setTimeout(() => {
        answered++
        response.setHeader('content-type', 'application/json')
        response.end(
          JSON.stringify({
            id: `chatcmpl-${answered}`,
            object: 'chat.completion',
            created: 1764288000,
            model: 'gpt-upstream',
            choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
          }),
        )
      }, delayMs)
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    answered: () => answered,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
