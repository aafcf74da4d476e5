/**
 * `POST /v1/ocr`: an image as the raw body, as multipart field `image`, or as base64 in JSON; answers the
 * recognized lines. Decoding and the models sit behind the injected `OcrService`.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import { badRequest, tooLarge, unsupportedMedia } from '../core/errors.js'
import { OcrJsonRequest as validateOcrJsonRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import { bodyLimit } from '../http/body-limit.js'
import { errorBody } from '../http/errors.js'
import { mediaTypeOf, readForm } from '../http/multipart.js'
import type { Admission } from '../limits/admission.js'
import { admitted } from '../limits/admitted.js'
import type { OcrService } from '../tasks/ocr/types.js'

type Schemas = components['schemas']

const RAW_TYPES = ['image/png', 'image/jpeg', 'image/webp']
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/

/** Base64 (standard or URL-safe, whitespace allowed) to bytes, with `atob` so the edge build can use it. */
function decodeBase64(text: string, param: string): Uint8Array {
  let binary: string
  try {
    binary = atob(text.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')))
  } catch {
    throw badRequest('invalid_base64', `'${param}' is not valid base64.`, param)
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** The image bytes of a JSON `image`: plain base64 or a base64 `data:` URL of a supported type. */
function imageFromJson(image: string): Uint8Array {
  const dataUrl = DATA_URL.exec(image)
  if (!dataUrl) return decodeBase64(image, 'image')
  const type = (dataUrl[1] ?? '').toLowerCase()
  if (type && !RAW_TYPES.includes(type)) {
    throw unsupportedMedia(`The data: URL holds ${type}; send image/png, image/jpeg or image/webp.`)
  }
  if (!/;base64$/i.test(dataUrl[2] ?? '')) {
    throw badRequest('invalid_image', "The data: URL must be base64 (';base64,').", 'image')
  }
  return decodeBase64(image.slice(dataUrl[0].length), 'image')
}

function confidenceFrom(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const number = typeof value === 'number' ? value : Number(value)
  if (typeof value === 'object' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw badRequest('invalid_min_confidence', `${where} must be a number from 0 to 1.`, 'min_confidence')
  }
  return number
}

async function readImage(c: Context, type: string): Promise<{ image: Uint8Array; minConfidence?: number }> {
  if (RAW_TYPES.includes(type)) return { image: await c.req.bytes() }
  if (type === 'multipart/form-data') {
    const form = await readForm(c)
    const file = form.get('image')
    if (file === null)
      throw badRequest('missing_image', "The multipart body needs a file field named 'image'.", 'image')
    if (typeof file === 'string') {
      throw badRequest('invalid_image', "The multipart field 'image' must be a file, not text.", 'image')
    }
    return {
      image: new Uint8Array(await file.arrayBuffer()),
      minConfidence: confidenceFrom(
        form.get('min_confidence') ?? undefined,
        "The multipart field 'min_confidence'",
      ),
    }
  }
  const request = await readJson<Schemas['OcrJsonRequest']>(c, validateOcrJsonRequest)
  return { image: imageFromJson(request.image), minConfidence: request.min_confidence }
}

/** `admissions`: gates a request passes before its body is read (OCR's own, the process-wide one). */
export function ocrRoutes(ocr: OcrService, admissions: Admission[] = []) {
  const admit = admitted(...admissions)
  const onError = (c: Context) =>
    c.json(
      errorBody(
        c.req.path,
        tooLarge(
          `The image is over the limit of ${ocr.maxImageBytes} bytes (maxImageBytes).`,
          'image_too_large',
        ),
      ),
      413,
    )
  const rawLimit = bodyLimit({ maxSize: ocr.maxImageBytes, onError })
  // Base64 is 4/3 of the bytes; multipart and JSON add a little around them.
  const encodedLimit = bodyLimit({ maxSize: Math.ceil(ocr.maxImageBytes / 3) * 4 + 64 * 1024, onError })

  return new Hono().post(
    '/v1/ocr',
    async (c, next) => {
      const type = mediaTypeOf(c)
      if (!RAW_TYPES.includes(type) && type !== 'multipart/form-data' && type !== 'application/json') {
        throw unsupportedMedia(
          `Send the image as image/png, image/jpeg, image/webp, multipart/form-data or JSON; got ${type || 'no content type'}.`,
        )
      }
      // Answer 503 before reading a large body for models that are not ready.
      ocr.assertReady()
      return RAW_TYPES.includes(type) ? rawLimit(c, next) : encodedLimit(c, next)
    },
    // After the checks that need no body, before the body is read or decoded.
    admit,
    async (c) => {
      const queryConfidence = confidenceFrom(c.req.query('min_confidence'), "The query's 'min_confidence'")
      const { image, minConfidence } = await readImage(c, mediaTypeOf(c))
      if (image.length === 0)
        throw badRequest('empty_image', 'The image is empty: send a PNG, JPEG or WebP file.', 'image')
      if (image.length > ocr.maxImageBytes) {
        throw tooLarge(
          `The image is over the limit of ${ocr.maxImageBytes} bytes (maxImageBytes).`,
          'image_too_large',
        )
      }
      const result = await ocr.recognize(image, { minConfidence: minConfidence ?? queryConfidence })
      const body: Schemas['OcrResponse'] = result
      return c.json(body)
    },
  )
}
