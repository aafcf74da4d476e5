/** `chatJson` from @modelport/sdk: a JSON Schema literal in, a typed and checked value out, from a local model. */
import { chatJson, createModelport, StructuredOutputError, validateJson } from '@modelport/sdk'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let server: RunningServer
const quiet = { info() {}, warn() {}, error() {} }

beforeAll(async () => {
  repo = chatRepository()
  repo.add('tiny-chat')
  server = await startServer({ port: 0, modelsDir: repo.dir, builtins: false, ocr: false, log: quiet })
}, 60_000)

afterAll(async () => {
  await server?.close()
  repo?.remove()
})

const reading = {
  type: 'object',
  properties: {
    sensor: { type: 'string', enum: ['north', 'south'] },
    celsius: { type: 'integer', minimum: -40, maximum: 60 },
    note: { type: ['string', 'null'], maxLength: 6 },
  },
  required: ['sensor', 'celsius'],
  additionalProperties: false,
} as const

describe('chatJson', () => {
  it('types the value from the schema and checks it', async () => {
    const mp = createModelport({ baseUrl: server.url })
    for (let seed = 0; seed < 8; seed++) {
      const { value, completion } = await chatJson(mp, {
        model: 'tiny-chat',
        messages: [{ role: 'user', content: 'Read the sensor.' }],
        schema: reading,
        max_tokens: 120,
        seed,
      })
      expectTypeOf(value).toEqualTypeOf<{
        sensor: 'north' | 'south'
        celsius: number
        note?: string | null
      }>()
      expect(['north', 'south']).toContain(value.sensor)
      expect(Number.isInteger(value.celsius)).toBe(true)
      expect(completion.choices[0]?.finish_reason).toBe('stop')
    }
  }, 60_000)

  it('throws StructuredOutputError when the answer is cut short', async () => {
    const mp = createModelport({ baseUrl: server.url })
    const call = chatJson(mp, {
      model: 'tiny-chat',
      messages: [{ role: 'user', content: 'Read the sensor.' }],
      schema: reading,
      max_tokens: 3,
    })
    await expect(call).rejects.toBeInstanceOf(StructuredOutputError)
    await expect(call).rejects.toThrow(/max_tokens cut it short/)
  })

  it.each([
    [{ sensor: 'north', celsius: 3 }, []],
    [{ sensor: 'east', celsius: 3 }, ['$.sensor: must be one of ["north","south"]']],
    [{ sensor: 'north', celsius: 3.5 }, ['$.celsius: must be of type integer, not number']],
    [
      { sensor: 'north', celsius: 99, note: 'too long!' },
      ['$.celsius: is above 60', '$.note: is longer than 6'],
    ],
    [{ sensor: 'north' }, ["$: misses 'celsius'"]],
    [{ sensor: 'north', celsius: 1, extra: 1 }, ['$.extra: no value is allowed here']],
  ])('validates %j', (value, problems) => {
    expect(validateJson(value, reading)).toEqual(problems)
  })
})
