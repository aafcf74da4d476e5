/**
 * Chat through a route with a fallback, answered whole and then streamed. Serve the route first (see
 * modelport.yaml beside this file), then, from the repository root:
 * `pnpm -F @modelport/examples run example chat-fallback`.
 */
import { createModelport } from '@modelport/sdk'

const mp = createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' })
const messages = [{ role: 'user' as const, content: 'Say hello in five words.' }]

// The headers say which target answered and how many attempts it took, retries and fallbacks included.
const { data, response } = await mp.chat.completions
  .create({ model: 'chat-default', messages })
  .withResponse()
const target = response.headers.get('x-modelport-target')
const attempts = response.headers.get('x-modelport-attempts')
console.log(`create: ${data.choices[0]?.message.content} (from ${target}, ${attempts} attempts)`)

// A stream falls back too, as long as nothing has reached the client yet.
const stream = mp.chat.completions.stream({ model: 'chat-default', messages })
let text = ''
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
const streamed = await stream.response
console.log(`stream: ${text} (from ${streamed.headers.get('x-modelport-target')})`)
