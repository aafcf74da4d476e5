/**
 * The official `openai` SDK, unchanged, pointed at modelport: chat (whole and streamed) and embeddings.
 * Serve the routes first (see modelport.yaml beside this file), then, from the repository root:
 * `pnpm -F @modelport/examples run example openai-sdk`.
 */
import OpenAI from 'openai'

const client = new OpenAI({
  baseURL: `${process.env.MODELPORT_URL ?? 'http://localhost:8080'}/v1`,
  // modelport's key when it asks for one (MODELPORT_API_KEYS); the provider keys stay on the server.
  apiKey: process.env.MODELPORT_API_KEY ?? 'no-key',
})
const messages = [{ role: 'user' as const, content: 'Say hello in five words.' }]

const completion = await client.chat.completions.create({ model: 'chat-default', messages })
console.log(`chat: ${completion.choices[0]?.message.content}`)

const stream = await client.chat.completions.create({ model: 'chat-default', messages, stream: true })
let text = ''
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
console.log(`stream: ${text}`)

// The SDK asks for base64 and decodes it; modelport answers in the encoding asked for.
const { data } = await client.embeddings.create({
  model: 'text-embedding',
  input: ['The cat sat.', 'A dog barked.'],
})
const norms = data.map(({ embedding }) => Math.hypot(...embedding).toFixed(3))
console.log(
  `embeddings: ${data.length} vectors of ${data[0]?.embedding.length} dimensions, norms ${norms.join(' ')}`,
)
