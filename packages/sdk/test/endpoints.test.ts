import { describe, expect, it } from 'vitest'
import { type BinaryInput, createModelport, embeddingVector, PayloadTooLargeError } from '../src/index'
import { json, rejection, serve, v1Error } from './support/serve'

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1764288000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
}

describe('chat.completions.create', () => {
  it('posts the request and returns the completion, with the target in the response headers', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, completion, { 'x-modelport-target': 'openai/gpt-4o-mini', 'x-modelport-attempts': '2' }),
    )
    const mp = createModelport({ baseUrl: server.url })
    const request = {
      model: 'chat-default',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      temperature: 0,
    }
    const { data, response } = await mp.chat.completions.create(request).withResponse()
    expect(data.choices[0]?.message.content).toBe('Hello!')
    expect(response.headers.get('x-modelport-target')).toBe('openai/gpt-4o-mini')
    expect(response.headers.get('x-modelport-attempts')).toBe('2')
    const sent = server.requests[0]
    expect(`${sent?.method} ${sent?.url}`).toBe('POST /v1/chat/completions')
    expect(sent?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent?.body ?? '')).toEqual(request)
  })
})

describe('embeddings.create', () => {
  it('returns float embeddings as they are', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, {
        object: 'list',
        model: 'minilm',
        data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }],
        usage: { prompt_tokens: 3, total_tokens: 3 },
      }),
    )
    const result = await createModelport({ baseUrl: server.url }).embeddings.create({
      model: 'minilm',
      input: 'hi',
    })
    expect(result.data[0]?.embedding).toEqual([0.5, -0.25])
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ model: 'minilm', input: 'hi' })
  })

  it('decodes base64 embeddings with embeddingVector', async () => {
    const floats = Float32Array.of(0.5, -0.25, 3)
    const server = await serve((_req, res) =>
      json(res, 200, {
        object: 'list',
        model: 'minilm',
        data: [{ object: 'embedding', index: 0, embedding: Buffer.from(floats.buffer).toString('base64') }],
        usage: { prompt_tokens: 3, total_tokens: 3 },
      }),
    )
    const mp = createModelport({ baseUrl: server.url })
    const result = await mp.embeddings.create({ model: 'minilm', input: ['hi'], encoding_format: 'base64' })
    const embedding = result.data[0]?.embedding ?? []
    expect(embeddingVector(embedding)).toEqual(floats)
    expect(embeddingVector([0.5, -0.25, 3])).toEqual(floats)
  })
})

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46])
const webp = Uint8Array.from([0x52, 0x49, 0x46, 0x46, 36, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50])
const ocrAnswer = {
  model: 'ppocr-v4',
  width: 1,
  height: 1,
  lines: [
    {
      text: 'Hi',
      confidence: 0.9,
      box: [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
    },
  ],
}

describe('ocr.recognize', () => {
  const images: [string, { given: BinaryInput; want: string }][] = [
    ['PNG bytes', { given: png, want: 'image/png' }],
    ['JPEG bytes', { given: jpeg, want: 'image/jpeg' }],
    ['WebP bytes', { given: webp, want: 'image/webp' }],
    ['an ArrayBuffer of PNG', { given: png.slice().buffer, want: 'image/png' }],
    ['a Buffer of JPEG', { given: Buffer.from(jpeg), want: 'image/jpeg' }],
    ['a Blob with its type', { given: new Blob([png], { type: 'image/png' }), want: 'image/png' }],
    ['a Blob without a type', { given: new Blob([webp]), want: 'image/webp' }],
    ['unknown bytes', { given: Uint8Array.from([1, 2, 3]), want: 'application/octet-stream' }],
  ]
  it.each(images)('sends %s as the raw body, typed %s', async (_, { given, want }) => {
    const server = await serve((_req, res) => json(res, 200, ocrAnswer))
    const result = await createModelport({ baseUrl: server.url }).ocr.recognize({
      image: given,
      min_confidence: 0.7,
    })
    expect(result.lines[0]?.text).toBe('Hi')
    const sent = server.requests[0]
    expect(`${sent?.method} ${sent?.url}`).toBe('POST /v1/ocr?min_confidence=0.7')
    expect(sent?.headers['content-type']).toBe(want)
    const bytes = given instanceof Blob ? new Uint8Array(await given.arrayBuffer()) : new Uint8Array(given)
    expect(new Uint8Array(sent?.bytes ?? [])).toEqual(bytes)
  })

  it('sends a base64 string as JSON', async () => {
    const server = await serve((_req, res) => json(res, 200, ocrAnswer))
    const image = `data:image/png;base64,${Buffer.from(png).toString('base64')}`
    await createModelport({ baseUrl: server.url }).ocr.recognize({ image, min_confidence: 0.2 })
    const sent = server.requests[0]
    expect(sent?.url).toBe('/v1/ocr')
    expect(sent?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent?.body ?? '')).toEqual({ image, min_confidence: 0.2 })
  })

  it('throws the typed error of a refused image', async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        413,
        v1Error('The request body is over the limit of 10 bytes.', 'request_too_large', 'body_too_large'),
      ),
    )
    const error = await rejection(createModelport({ baseUrl: server.url }).ocr.recognize({ image: png }))
    expect(error).toBeInstanceOf(PayloadTooLargeError)
    expect(error.code).toBe('body_too_large')
  })
})

describe('audio.vad', () => {
  it('sends the WAV as audio/wav with the tuning in the query', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { model: 'silero-vad', duration: 4.2, segments: [{ start: 0.48, end: 1.62 }] }),
    )
    const wav = new Blob([Uint8Array.from([0x52, 0x49, 0x46, 0x46, 1, 2, 3])], { type: 'audio/x-wav' })
    const result = await createModelport({ baseUrl: server.url }).audio.vad({
      audio: wav,
      threshold: 0.6,
      min_speech_ms: 200,
      min_silence_ms: 50,
      speech_pad_ms: 10,
    })
    expect(result.segments).toEqual([{ start: 0.48, end: 1.62 }])
    const sent = server.requests[0]
    expect(sent?.url).toBe('/v1/audio/vad?threshold=0.6&min_speech_ms=200&min_silence_ms=50&speech_pad_ms=10')
    expect(sent?.headers['content-type']).toBe('audio/wav')
    expect(Array.from(sent?.bytes ?? [])).toEqual([0x52, 0x49, 0x46, 0x46, 1, 2, 3])
  })
})

describe('models', () => {
  it('lists, retrieves, reads metadata and readiness', async () => {
    const model = {
      id: 'simplenet',
      object: 'model',
      created: 1,
      owned_by: 'modelport',
      task: 'raw',
      backends: ['local'],
      versions: ['1'],
      state: 'ready',
    }
    const server = await serve((req, res) => {
      if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [model] })
      if (req.url === '/v1/models/simplenet') return json(res, 200, model)
      if (req.url === '/v2/models/simplenet/versions/1/ready')
        return json(res, 200, { name: 'simplenet', ready: true })
      json(res, 200, { name: 'simplenet', versions: ['1'], platform: 'onnx_onnxv1', inputs: [], outputs: [] })
    })
    const mp = createModelport({ baseUrl: server.url })
    expect((await mp.models.list()).data[0]?.task).toBe('raw')
    expect((await mp.models.retrieve('simplenet')).state).toBe('ready')
    expect((await mp.models.metadata('simplenet')).platform).toBe('onnx_onnxv1')
    expect(await mp.models.ready('simplenet', '1')).toBe(true)
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/models',
      '/v1/models/simplenet',
      '/v2/models/simplenet',
      '/v2/models/simplenet/versions/1/ready',
    ])
  })
})
