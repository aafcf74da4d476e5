/**
 * `POST /v1/ocr` transports (raw, multipart, base64 JSON) and bad inputs: each refused clearly, in the
 * contract's shape, while the server keeps serving.
 */
import { deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertMatchesContract } from '../../support/contract.js'
import { base64, type OcrBody, ocrApp, postOcr, renderLines } from './support.js'

const TEXT = 'Pay within 30 days to account 55-203.'

let ocr: Awaited<ReturnType<typeof ocrApp>>
let png: Uint8Array<ArrayBuffer>
let expected: OcrBody
beforeAll(async () => {
  ocr = await ocrApp()
  png = (await renderLines([TEXT])).file
  const { status, body } = await postOcr(ocr.app, { body: png, headers: { 'content-type': 'image/png' } })
  expect(status).toBe(200)
  expected = body as OcrBody
  expect(expected.lines.map((l) => l.text)).toEqual([TEXT])
})
afterAll(() => ocr.close())

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/**
 * A decompression bomb: a 1-bit PNG of `side` × `side` white pixels. The file is tens of kilobytes; the
 * decoded image would be `side`² pixels (3 bytes each as RGB).
 */
function pngBomb(side: number): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header.set([1, 0, 0, 0, 0], 8) // bit depth 1, greyscale, deflate, no filter, no interlace
  const row = Buffer.alloc(1 + Math.ceil(side / 8), 0xff)
  row[0] = 0
  const pixels = deflateSync(Buffer.concat(Array.from({ length: side }, () => row)), { level: 9 })
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', new Uint8Array())]),
  )
}

describe('transports', () => {
  const sameAsRaw = (body: unknown) => {
    assertMatchesContract('POST', '/v1/ocr', 200, body)
    expect(body).toEqual(expected)
  }

  it('reads multipart field image', async () => {
    const form = new FormData()
    form.append('image', new Blob([png], { type: 'image/png' }), 'line.png')
    const { status, body } = await postOcr(ocr.app, { body: form })
    expect(status).toBe(200)
    sameAsRaw(body)
  })

  it.each([
    ['plain base64', () => base64(png)],
    ['a data: URL', () => `data:image/png;base64,${base64(png)}`],
    ['URL-safe base64 with line breaks', () => base64(png, 'base64url').replace(/(.{76})/g, '$1\n')],
  ])('reads JSON with %s', async (_name, image) => {
    const { status, body } = await postOcr(ocr.app, {
      body: JSON.stringify({ image: image() }),
      headers: { 'content-type': 'application/json' },
    })
    expect(status).toBe(200)
    sameAsRaw(body)
  })

  it('takes min_confidence from the body before the query', async () => {
    const form = new FormData()
    form.append('image', new Blob([png]), 'line.png')
    form.append('min_confidence', '1')
    const multipart = await postOcr(ocr.app, { body: form }, '?min_confidence=0')
    expect((multipart.body as OcrBody).lines).toEqual([])
    const json = await postOcr(
      ocr.app,
      {
        body: JSON.stringify({ image: base64(png), min_confidence: 0 }),
        headers: { 'content-type': 'application/json' },
      },
      '?min_confidence=1',
    )
    expect(json.body).toEqual(expected)
  })
})

describe('bad inputs', () => {
  const truncatedPng = () => png.subarray(0, Math.floor(png.length / 2))
  const gif = new Uint8Array(Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64'))
  const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
  const cases: [string, () => RequestInit, string, number, string][] = [
    [
      'an empty body',
      () => ({ body: new Uint8Array(), headers: { 'content-type': 'image/png' } }),
      '',
      400,
      'empty_image',
    ],
    [
      'text that is not an image',
      () => ({ body: 'hello', headers: { 'content-type': 'image/png' } }),
      '',
      400,
      'invalid_image',
    ],
    [
      'a truncated PNG',
      () => ({ body: truncatedPng(), headers: { 'content-type': 'image/png' } }),
      '',
      400,
      'invalid_image',
    ],
    [
      'a GIF content type',
      () => ({ body: gif, headers: { 'content-type': 'image/gif' } }),
      '',
      415,
      'unsupported_media_type',
    ],
    [
      'GIF bytes sent as image/png',
      () => ({ body: gif, headers: { 'content-type': 'image/png' } }),
      '',
      415,
      'unsupported_media_type',
    ],
    [
      'SVG bytes sent as image/png',
      () => ({ body: svg, headers: { 'content-type': 'image/png' } }),
      '',
      415,
      'unsupported_media_type',
    ],
    ['no content type', () => ({ body: png }), '', 415, 'unsupported_media_type'],
    [
      'a decompression bomb (20000 × 20000)',
      () => ({ body: pngBomb(20_000), headers: { 'content-type': 'image/png' } }),
      '',
      413,
      'image_too_large',
    ],
    [
      'JSON without image',
      () => ({ body: '{}', headers: { 'content-type': 'application/json' } }),
      '',
      400,
      'invalid_request',
    ],
    [
      'JSON with bad base64',
      () => ({ body: '{"image":"not*base64"}', headers: { 'content-type': 'application/json' } }),
      '',
      400,
      'invalid_base64',
    ],
    [
      'a GIF data: URL',
      () => ({
        body: JSON.stringify({ image: `data:image/gif;base64,${base64(gif)}` }),
        headers: { 'content-type': 'application/json' },
      }),
      '',
      415,
      'unsupported_media_type',
    ],
    [
      'multipart without image',
      () => {
        const form = new FormData()
        form.append('picture', new Blob([png]))
        return { body: form }
      },
      '',
      400,
      'missing_image',
    ],
    [
      'multipart image as text',
      () => {
        const form = new FormData()
        form.append('image', 'abc')
        return { body: form }
      },
      '',
      400,
      'invalid_image',
    ],
    [
      'min_confidence out of range',
      () => ({ body: png, headers: { 'content-type': 'image/png' } }),
      '?min_confidence=2',
      400,
      'invalid_min_confidence',
    ],
  ]

  it.each(cases)('answers %s clearly', async (_name, init, query, status, code) => {
    const response = await postOcr(ocr.app, init(), query)
    expect(response.status, JSON.stringify(response.body)).toBe(status)
    assertMatchesContract('POST', '/v1/ocr', status, response.body)
    expect((response.body as { error: { code: string } }).error.code).toBe(code)
  })

  it('still serves after every bad input', async () => {
    const { status, body } = await postOcr(ocr.app, { body: png, headers: { 'content-type': 'image/png' } })
    expect(status).toBe(200)
    expect(body).toEqual(expected)
    expect(ocr.errors).toEqual([])
  })

  it('names the byte and pixel limits in its 413s', async () => {
    const small = await ocrApp({ maxImageBytes: 1000, maxPixels: 10_000 })
    try {
      const big = await postOcr(small.app, { body: png, headers: { 'content-type': 'image/png' } })
      expect(big.status).toBe(413)
      expect((big.body as { error: { message: string } }).error.message).toBe(
        'The image is over the limit of 1000 bytes (maxImageBytes).',
      )
      const json = await postOcr(small.app, {
        body: JSON.stringify({ image: base64(png) }),
        headers: { 'content-type': 'application/json' },
      })
      expect(json.status).toBe(413)
      const tiny = new Uint8Array(
        await sharp({ create: { width: 200, height: 60, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      )
      expect(tiny.length).toBeLessThan(1000)
      const wide = await postOcr(small.app, { body: tiny, headers: { 'content-type': 'image/png' } })
      expect(wide.status).toBe(413)
      expect((wide.body as { error: { message: string } }).error.message).toBe(
        'The image is 200×60 = 12000 pixels, over the limit of 10000 pixels (maxImagePixels).',
      )
    } finally {
      await small.close()
    }
  })

  it('answers 503 while the models load', async () => {
    const loading = await ocrApp({ load: false })
    const { status, body } = await postOcr(loading.app, {
      body: png,
      headers: { 'content-type': 'image/png' },
    })
    expect(status).toBe(503)
    assertMatchesContract('POST', '/v1/ocr', 503, body)
    expect((body as { error: { code: string } }).error.code).toBe('model_not_ready')
  })
})
