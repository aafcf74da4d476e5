/**
 * `POST /v1/audio/vad` over real Silero inference: phrases spoken by espeak-ng between known silences,
 * in every WAV format the endpoint reads, found within 100 ms of where they were placed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../scripts/simplenet.js'
import { createApp } from '../../../src/app.js'
import { builtinModels } from '../../../src/models/builtin.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { assertMatchesContract } from '../../support/contract.js'
import {
  ESPEAK_RATE,
  extensibleFloatWav,
  hasEspeak,
  resampleLinear,
  type Scene,
  scene,
  speak,
  type WavEncoding,
  writeWav,
} from './speech.js'

interface VadBody {
  model: string
  duration: number
  segments: { start: number; end: number }[]
}

const TOLERANCE = 0.1
let registry: ModelRegistry
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  registry = new ModelRegistry({ loader: onnxLoader() })
  registry.add(builtinModels().filter((m) => m.name === 'silero-vad'))
  await registry.loadAll()
  app = createApp({ registry, maxAudioSeconds: 20, log: { error() {} } })
})
afterAll(() => registry.close())

/** Posts to the endpoint; `contentType` null lets the body set it (multipart boundaries). */
async function post(body: BodyInit, query = '', contentType: string | null = 'audio/wav') {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {}
  const response = await app.request(`http://localhost/v1/audio/vad${query}`, {
    method: 'POST',
    body,
    headers,
  })
  const json = (await response.json()) as unknown
  assertMatchesContract('POST', '/v1/audio/vad', response.status, json)
  return {
    status: response.status,
    body: json as VadBody & { error: { code: string; message: string; param: string | null } },
  }
}

function expectNear(found: VadBody['segments'], truth: Scene['truth']) {
  expect(found, JSON.stringify({ found, truth })).toHaveLength(truth.length)
  for (const [index, segment] of found.entries()) {
    const want = truth[index] as Scene['truth'][number]
    expect(Math.abs(segment.start - want.start), `start of segment ${index}`).toBeLessThanOrEqual(TOLERANCE)
    expect(Math.abs(segment.end - want.end), `end of segment ${index}`).toBeLessThanOrEqual(TOLERANCE)
  }
}

describe.skipIf(!hasEspeak())('speech from espeak-ng', () => {
  let speech: Scene
  beforeAll(() => {
    speech = scene([
      0.8,
      speak('the weather is lovely today and we are going outside'),
      1.2,
      speak('please remember to bring an umbrella'),
      1.0,
    ])
  })

  const formats: [string, { encoding: WavEncoding; rate: number; channels: number; rifx?: boolean }][] = [
    ['16-bit mono at 22050 Hz (espeak-ng as is)', { encoding: '16', rate: ESPEAK_RATE, channels: 1 }],
    ['float32 stereo at 22050 Hz', { encoding: '32f', rate: ESPEAK_RATE, channels: 2 }],
    ['16-bit mono at 8 kHz', { encoding: '16', rate: 8000, channels: 1 }],
    ['16-bit mono at 16 kHz (no resampling)', { encoding: '16', rate: 16000, channels: 1 }],
    ['24-bit stereo at 44.1 kHz', { encoding: '24', rate: 44100, channels: 2 }],
    ['16-bit stereo at 48 kHz', { encoding: '16', rate: 48000, channels: 2 }],
    ['32-bit PCM mono at 32 kHz', { encoding: '32', rate: 32000, channels: 1 }],
    ['float64 mono at 24 kHz', { encoding: '64', rate: 24000, channels: 1 }],
    ['8-bit unsigned mono at 11025 Hz', { encoding: '8', rate: 11025, channels: 1 }],
    ['mu-law mono at 8 kHz', { encoding: 'mulaw', rate: 8000, channels: 1 }],
    ['A-law mono at 8 kHz', { encoding: 'alaw', rate: 8000, channels: 1 }],
    [
      'big-endian (RIFX) 16-bit mono at 22050 Hz',
      { encoding: '16', rate: ESPEAK_RATE, channels: 1, rifx: true },
    ],
  ]

  it.each(formats)('finds both phrases in %s', async (_name, { encoding, rate, channels, rifx }) => {
    const samples = rate === ESPEAK_RATE ? speech.samples : resampleLinear(speech.samples, ESPEAK_RATE, rate)
    const wav = writeWav(
      Array.from({ length: channels }, () => samples),
      rate,
      encoding,
      { rifx },
    )
    const res = await post(wav, '?speech_pad_ms=0')
    expect(res.status).toBe(200)
    expect(res.body.model).toBe('silero-vad')
    expect(res.body.duration).toBeCloseTo(speech.samples.length / ESPEAK_RATE, 2)
    expectNear(res.body.segments, speech.truth)
  })

  it('reads float samples in a WAVE_FORMAT_EXTENSIBLE file as floats', async () => {
    const extensible = await post(extensibleFloatWav(speech.samples, ESPEAK_RATE), '?speech_pad_ms=0')
    const plain = await post(writeWav([speech.samples], ESPEAK_RATE, '32f'), '?speech_pad_ms=0')
    expect(extensible.status).toBe(200)
    expect(extensible.body).toEqual(plain.body)
    expectNear(extensible.body.segments, speech.truth)
  })

  it('pads segments by speech_pad_ms (30 ms by default) on each side', async () => {
    const wav = writeWav([speech.samples], ESPEAK_RATE, '16')
    const bare = await post(wav, '?speech_pad_ms=0')
    const padded = await post(wav)
    const wide = await post(wav, '?speech_pad_ms=200')
    const shift = (by: number) => bare.body.segments.map((s) => ({ start: s.start - by, end: s.end + by }))
    for (const [response, by] of [
      [padded, 0.03],
      [wide, 0.2],
    ] as const) {
      expect(response.body.segments).toHaveLength(2)
      response.body.segments.forEach((segment, index) => {
        expect(segment.start).toBeCloseTo(shift(by)[index]?.start as number, 3)
        expect(segment.end).toBeCloseTo(shift(by)[index]?.end as number, 3)
      })
    }
  })

  it('takes the parameters as multipart fields beside the file, like the raw body and query', async () => {
    const wav = writeWav([speech.samples], ESPEAK_RATE, '16')
    const form = new FormData()
    form.set('audio', new Blob([wav], { type: 'audio/wav' }), 'speech.wav')
    form.set('speech_pad_ms', '0')
    form.set('min_silence_ms', '2000')
    const multipart = await post(form, '', null)
    expect(multipart.status).toBe(200)
    // A 1.2 s pause is shorter than 2 s of required silence: the two phrases become one segment.
    expectNear(multipart.body.segments, [
      { start: speech.truth[0]?.start as number, end: speech.truth[1]?.end as number },
    ])
    const raw = await post(wav, '?speech_pad_ms=0&min_silence_ms=2000')
    expect(raw.body).toEqual(multipart.body)
  })

  it('drops speech shorter than min_speech_ms', async () => {
    const res = await post(writeWav([speech.samples], ESPEAK_RATE, '16'), '?min_speech_ms=2500')
    expect(res.status).toBe(200)
    // Only the first phrase (about 2.9 s) is long enough.
    expect(res.body.segments).toHaveLength(1)
    expect(
      Math.abs((res.body.segments[0]?.start as number) - (speech.truth[0]?.start as number)),
    ).toBeLessThan(0.1)
  })
})

describe('audio without speech', () => {
  const noise = mulberry32(7)
  const sources: [string, () => number][] = [
    ['digital silence', () => 0],
    ['faint noise (-60 dBFS)', () => (noise() - 0.5) * 0.002],
  ]
  it.each(sources)('finds no speech in %s', async (_name, sample) => {
    const samples = Float32Array.from({ length: 16000 * 3 }, () => sample())
    const res = await post(writeWav([samples], 16000, '16'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ model: 'silero-vad', duration: 3, segments: [] })
  })

  it('answers a WAV file with no samples with no segments', async () => {
    const res = await post(writeWav([new Float32Array(0)], 16000, '16'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ model: 'silero-vad', duration: 0, segments: [] })
  })
})

function withHeader(edit: (view: DataView) => void): Uint8Array<ArrayBuffer> {
  const wav = writeWav([new Float32Array(1600)], 16000, '16').slice()
  edit(new DataView(wav.buffer))
  return wav
}

describe('refused audio', () => {
  const valid = writeWav([new Float32Array(1600)], 16000, '16')
  const cases: [string, BodyInit, RegExp][] = [
    ['an empty body', new Uint8Array(0), /body is empty/],
    ['text that is not a WAV file', 'this is not a wav file, just some text', /no RIFF/],
    ['a header cut short', valid.slice(0, 30), /no 'data' chunk/],
    ['zero channels', withHeader((v) => v.setUint16(22, 0, true)), /0 channels/],
    ['a sample rate of 0', withHeader((v) => v.setUint32(24, 0, true)), /sample rate is 0 Hz/],
    ['an unsupported codec (MS ADPCM)', withHeader((v) => v.setUint16(20, 2, true)), /format code 2/],
    ['an unsupported codec (IMA ADPCM)', withHeader((v) => v.setUint16(20, 17, true)), /format code 17/],
    [
      '12-bit float',
      withHeader((v) => {
        v.setUint16(20, 3, true)
        v.setUint16(34, 16, true)
      }),
      /16-bit float samples are not supported/,
    ],
  ]
  it.each(cases)('answers 400 to %s, saying why', async (_name, body, reason) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_audio')
    expect(res.body.error.param).toBe('audio')
    expect(res.body.error.message).toMatch(reason)
  })

  it('answers 413 naming the limit to audio longer than the configured maximum', async () => {
    const res = await post(writeWav([new Float32Array(8000 * 21)], 8000, '16'))
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('audio_too_long')
    expect(res.body.error.message).toContain('21.0 s long, over the limit of 20 s')
  })

  it('answers 415 to a body that is neither WAV nor multipart', async () => {
    const res = await post(valid, '', 'text/plain')
    expect(res.status).toBe(415)
    expect(res.body.error.message).toMatch(/audio\/wav/)
  })

  it('answers 400 to a multipart body without an audio file', async () => {
    const form = new FormData()
    form.set('file', new Blob([valid]), 'x.wav')
    const res = await post(form, '', null)
    expect(res.status).toBe(400)
    expect(res.body.error.param).toBe('audio')
  })

  it.each([
    ['threshold=1.5', 'threshold'],
    ['threshold=abc', 'threshold'],
    ['min_speech_ms=-1', 'min_speech_ms'],
    ['min_silence_ms=2.5', 'min_silence_ms'],
    ['speech_pad_ms=1e400', 'speech_pad_ms'],
  ])('answers 400 to %s', async (query, param) => {
    const res = await post(valid, `?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.error.param).toBe(param)
    expect(res.body.error.message).toContain(`'${param}' must be`)
  })
})
