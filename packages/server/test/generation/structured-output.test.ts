/**
 * `response_format` json_object and json_schema by constrained decoding: a random-weight model, left
 * alone, writes no JSON at all; constrained, its output parses and validates for every seed.
 */
import Ajv from 'ajv'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let server: RunningServer
let openai: OpenAI
const quiet = { info() {}, warn() {}, error() {} }
const messages = [{ role: 'user' as const, content: 'Describe a pet as JSON.' }]

const petSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 8 },
    kind: { type: 'string', enum: ['cat', 'dog', 'bird'] },
    age: { type: 'integer', minimum: 0, maximum: 30 },
    vaccinated: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 3 },
  },
  required: ['name', 'kind', 'age', 'vaccinated', 'tags'],
  additionalProperties: false,
} as const

beforeAll(async () => {
  repo = chatRepository()
  repo.add('tiny-chat')
  server = await startServer({ port: 0, modelsDir: repo.dir, builtins: false, ocr: false, log: quiet })
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 })
}, 60_000)

afterAll(async () => {
  await server?.close()
  repo?.remove()
})

describe('structured output', () => {
  it('writes no JSON unconstrained (so the constraint is what makes it parse)', async () => {
    const answer = await openai.chat.completions.create({
      model: 'tiny-chat',
      messages,
      max_tokens: 40,
      seed: 1,
    })
    expect(() => JSON.parse(answer.choices[0]?.message.content ?? '')).toThrow()
  })

  it('matches a JSON schema for every seed, whole and streamed', async () => {
    const validate = new Ajv().compile(petSchema)
    const format = {
      type: 'json_schema' as const,
      json_schema: { name: 'pet', schema: petSchema as unknown as Record<string, unknown>, strict: true },
    }
    for (let seed = 0; seed < 32; seed++) {
      const answer = await openai.chat.completions.create({
        model: 'tiny-chat',
        messages,
        max_tokens: 200,
        seed,
        temperature: 1,
        response_format: format,
      })
      const text = answer.choices[0]?.message.content as string
      expect(answer.choices[0]?.finish_reason, text).toBe('stop')
      const value = JSON.parse(text)
      expect(validate(value), `${text}: ${JSON.stringify(validate.errors)}`).toBe(true)
      if (seed % 6 === 0) {
        const stream = await openai.chat.completions.create({
          model: 'tiny-chat',
          messages,
          max_tokens: 200,
          seed,
          temperature: 1,
          response_format: format,
          stream: true,
        })
        let streamed = ''
        for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? ''
        expect(streamed).toBe(text)
      }
    }
  }, 120_000)

  it('gives an object for json_object', async () => {
    for (let seed = 0; seed < 6; seed++) {
      const answer = await openai.chat.completions.create({
        model: 'tiny-chat',
        messages,
        max_tokens: 300,
        seed,
        temperature: 0.8,
        response_format: { type: 'json_object' },
      })
      const text = answer.choices[0]?.message.content as string
      if (answer.choices[0]?.finish_reason === 'length') continue
      const value = JSON.parse(text)
      expect(typeof value === 'object' && value !== null && !Array.isArray(value), text).toBe(true)
    }
  }, 60_000)

  it('refuses a response_format it cannot use with a 400', async () => {
    const post = (response_format: unknown) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny-chat', messages, response_format }),
      })
    const unknownType = await post({ type: 'yaml' })
    expect(unknownType.status).toBe(400)
    const notSchema = await post({ type: 'json_schema', json_schema: { name: 'x', schema: 'no' } })
    expect(notSchema.status).toBe(400)
    const broken = await post({
      type: 'json_schema',
      json_schema: {
        name: 'x',
        schema: { type: 'object', properties: { a: { $ref: '#/nowhere' } }, required: ['a'] },
      },
    })
    expect(broken.status).toBe(400)
    expect(((await broken.json()) as { error: { param: string } }).error.param).toBe('response_format')
  })
})
