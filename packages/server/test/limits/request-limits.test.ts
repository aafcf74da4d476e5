/**
 * Every size limit, set from the config file's `limits` section on a real server, and each refusal:
 * 413 for sizes, 400 for counts, with a message that names the limit and its value.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { appWith, send } from '../support/app.js'
import { writeWav } from '../tasks/vad/speech.js'

const limits = {
  maxBodyBytes: 200_000,
  maxArrayLength: 3,
  maxTensorElements: 20,
  maxImagePixels: 10_000,
  maxImageBytes: 5_000,
  maxAudioSeconds: 2,
}

let server: RunningServer
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelport-limits-'))
  const configPath = join(dir, 'modelport.json')
  await writeFile(configPath, JSON.stringify({ limits }))
  server = await startServer({
    port: 0,
    modelsDir: join(dir, 'none'),
    configPath,
    log: { info() {}, warn() {}, error() {} },
  })
})

afterAll(async () => {
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

async function post(path: string, body: BodyInit, contentType = 'application/json') {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  })
  const json = (await response.json()) as {
    error?: string | { message: string; code: string; param: string | null }
  }
  const error = json.error
  return { status: response.status, message: typeof error === 'string' ? error : error?.message, error }
}

const row = Array(10).fill(0.5)
const input = (rows: number) => ({
  name: 'x',
  shape: [rows, 10],
  datatype: 'FP32',
  data: Array(rows).fill(row).flat(),
})
const messages = (count: number) => Array.from({ length: count }, () => ({ role: 'user', content: 'hi' }))

describe('limits from the config file', () => {
  it('maxBodyBytes: a larger body is a 413 that names the limit', async () => {
    const body = JSON.stringify({ inputs: [input(1)], padding: 'x'.repeat(limits.maxBodyBytes) })
    const { status, message } = await post('/v2/models/simplenet/infer', body)
    expect(status).toBe(413)
    expect(message).toBe('The request body is over the limit of 200000 bytes (maxBodyBytes).')
  })

  it.each([
    ['chat messages', '/v1/chat/completions', { model: 'any', messages: messages(4) }, 'messages'],
    ['embeddings inputs', '/v1/embeddings', { model: 'any', input: ['a', 'b', 'c', 'd'] }, 'input'],
    [
      'tensor inputs',
      '/v2/models/simplenet/infer',
      { inputs: [input(1), input(1), input(1), input(1)] },
      'inputs',
    ],
  ])(
    'maxArrayLength: too many %s is a 400 that names the list and the limit',
    async (_, path, body, field) => {
      const { status, message, error } = await post(path, JSON.stringify(body))
      expect(status).toBe(400)
      expect(message).toBe(`'${field}' has 4 items, over the limit of 3 (maxArrayLength).`)
      if (typeof error !== 'string') expect(error).toMatchObject({ code: 'too_many_items', param: field })
    },
  )

  it('maxArrayLength: a list at the limit passes, and token ids are one input, not a list', async () => {
    expect(
      (await post('/v1/chat/completions', JSON.stringify({ model: 'any', messages: messages(3) }))).status,
    ).toBe(404)
    const tokens = { model: 'any', input: Array.from({ length: 50 }, (_, i) => i) }
    expect((await post('/v1/embeddings', JSON.stringify(tokens))).status).toBe(404)
  })

  it('maxTensorElements: a larger input tensor is a 400 that names the limit', async () => {
    const { status, message } = await post(
      '/v2/models/simplenet/infer',
      JSON.stringify({ inputs: [input(3)] }),
    )
    expect(status).toBe(400)
    expect(message).toBe("Input 'x' has 30 elements, over the limit of 20 (maxTensorElements).")
    expect((await post('/v2/models/simplenet/infer', JSON.stringify({ inputs: [input(2)] }))).status).toBe(
      200,
    )
  })

  it('maxImageBytes: a larger OCR image is a 413 that names the limit', async () => {
    const noise = await sharp(Buffer.from(Array.from({ length: 60 * 60 * 3 }, (_, i) => (i * 7919) % 251)), {
      raw: { width: 60, height: 60, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer()
    expect(noise.length).toBeGreaterThan(limits.maxImageBytes)
    const { status, message } = await post('/v1/ocr', new Uint8Array(noise), 'image/png')
    expect(status).toBe(413)
    expect(message).toBe('The image is over the limit of 5000 bytes (maxImageBytes).')
  })

  it('maxImagePixels: an image with more pixels is a 413 that names the limit, before decoding', async () => {
    const wide = await sharp({ create: { width: 200, height: 60, channels: 3, background: '#fff' } })
      .png()
      .toBuffer()
    expect(wide.length).toBeLessThan(limits.maxImageBytes)
    const { status, message } = await post('/v1/ocr', new Uint8Array(wide), 'image/png')
    expect(status).toBe(413)
    expect(message).toBe(
      'The image is 200×60 = 12000 pixels, over the limit of 10000 pixels (maxImagePixels).',
    )
  })

  it('maxAudioSeconds: longer audio is a 413 that names the limit', async () => {
    const wav = writeWav([new Float32Array(16_000 * 3)], 16_000, '16')
    const { status, message } = await post('/v1/audio/vad', wav, 'audio/wav')
    expect(status).toBe(413)
    expect(message).toMatch(/3\.0 s long, over the limit of 2 s \(maxAudioSeconds\)/)
  })
})

describe('the limits section', () => {
  it('an explicit option wins over the config file, which wins over the default', async () => {
    const { app } = await appWith({ limits: { maxBodyBytes: 100, maxTensorElements: 5 }, maxBodyBytes: 1000 })
    const small = { inputs: [input(1)], padding: 'x'.repeat(200) }
    const response = await send(app, 'POST', '/v2/models/simplenet/infer', small)
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      error: "Input 'x' has 10 elements, over the limit of 5 (maxTensorElements).",
    })
  })

  it.each([
    [{ maxBodyBytes: 0 }, 'limits.maxBodyBytes: must be an integer ≥ 1'],
    [{ maxArrayLength: 2.5 }, 'limits.maxArrayLength: must be an integer ≥ 1'],
    [{ maxAudioSeconds: 'long' }, 'limits.maxAudioSeconds: must be a number ≥ 1'],
    [
      { maxBodySize: 10 },
      'limits.maxBodySize: unknown field (expected one of: maxBodyBytes, maxArrayLength, maxTensorElements, maxJsonBodyBytes, maxBytesElements, maxOutputBytes, maxImagePixels, maxImageBytes, maxAudioSeconds, ocrConcurrency, ocrQueue, vadConcurrency, vadQueue, maxInFlight)',
    ],
  ])('refuses %j, naming the field', (section, issue) => {
    expect(() => loadConfig(JSON.stringify({ limits: section }))).toThrow(ConfigError)
    try {
      loadConfig(JSON.stringify({ limits: section }))
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([issue])
    }
  })

  it('reads what it sets and leaves the rest to the defaults', () => {
    expect(loadConfig('limits: { maxAudioSeconds: 90.5, maxImagePixels: 1000000 }').limits).toEqual({
      maxAudioSeconds: 90.5,
      maxImagePixels: 1_000_000,
    })
  })
})
