/**
 * Test images of known text (SVG rendered by sharp with the installed fonts), character error rate, and
 * an in-process app over the real PP-OCR models.
 */
import { execFileSync } from 'node:child_process'
import sharp from 'sharp'
import { createApp } from '../../../src/app.js'
import { builtinModels } from '../../../src/models/builtin.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { OCR_MODELS } from '../../../src/tasks/ocr/index.js'
import { createNodeOcrService, type NodeOcrOptions } from '../../../src/tasks/ocr/node-service.js'

export type ImageFormat = 'png' | 'jpeg' | 'webp'

export interface RenderOptions {
  fontSize?: number
  fontFamily?: string
  format?: ImageFormat
  /** Line pitch as a multiple of the font size (default 1.8). */
  lineHeight?: number
  /** Turn the finished image half a turn. */
  upsideDown?: boolean
  /** Image width (default: room for the longest line). */
  width?: number
}

export interface Rendered {
  file: Uint8Array<ArrayBuffer>
  width: number
  height: number
  /** Per line, the bounds of its dark pixels in the finished image. */
  ink: { left: number; top: number; right: number; bottom: number }[]
}

/** Whether fontconfig knows a font with Chinese glyphs (Debian: fonts-wqy-microhei). */
export function hasChineseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim().length > 0
  } catch {
    return false
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Renders lines of black text on white, one per row, left-aligned. */
export async function renderLines(lines: readonly string[], options: RenderOptions = {}): Promise<Rendered> {
  const fontSize = options.fontSize ?? 28
  const pitch = fontSize * (options.lineHeight ?? 1.8)
  const margin = 24
  const wide = /[\u3000-\u9fff\uff00-\uffef]/
  const widthOf = (line: string) => [...line].reduce((sum, ch) => sum + (wide.test(ch) ? 1.05 : 0.68), 0)
  const width = options.width ?? Math.ceil(Math.max(...lines.map(widthOf)) * fontSize + 2 * margin)
  const height = Math.ceil(lines.length * pitch + 2 * margin)
  const fontFamily = options.fontFamily ?? 'DejaVu Sans'
  const texts = lines
    .map((line, i) => {
      const baseline = margin + i * pitch + (pitch + fontSize * 0.7) / 2
      return `<text x="${margin}" y="${baseline.toFixed(1)}" font-family="${fontFamily}" font-size="${fontSize}">${escapeXml(line)}</text>`
    })
    .join('')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`
  const upright = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' })
  const pixels = await upright.clone().greyscale().raw().toBuffer()
  const image = options.upsideDown ? upright.clone().rotate(180) : upright
  const ink = lines.map((_, i) => {
    const bandTop = Math.floor(margin + i * pitch)
    const bandBottom = Math.min(height, Math.ceil(margin + (i + 1) * pitch))
    const bounds = { left: width, top: height, right: -1, bottom: -1 }
    for (let y = bandTop; y < bandBottom; y++) {
      for (let x = 0; x < width; x++) {
        if ((pixels[y * width + x] as number) >= 128) continue
        bounds.left = Math.min(bounds.left, x)
        bounds.right = Math.max(bounds.right, x)
        bounds.top = Math.min(bounds.top, y)
        bounds.bottom = Math.max(bounds.bottom, y)
      }
    }
    if (!options.upsideDown) return bounds
    return {
      left: width - 1 - bounds.right,
      right: width - 1 - bounds.left,
      top: height - 1 - bounds.bottom,
      bottom: height - 1 - bounds.top,
    }
  })
  const format = options.format ?? 'png'
  const encoded =
    format === 'jpeg' ? image.jpeg({ quality: 90 }) : format === 'webp' ? image.webp() : image.png()
  const file = new Uint8Array(await encoded.toBuffer())
  return { file, width, height, ink: options.upsideDown ? ink.reverse() : ink }
}

export const base64 = (file: Uint8Array, encoding: 'base64' | 'base64url' = 'base64') =>
  Buffer.from(file).toString(encoding)

/** Levenshtein distance over Unicode code points. */
export function editDistance(a: string, b: string): number {
  const left = [...a]
  const right = [...b]
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j)
  for (let i = 1; i <= left.length; i++) {
    const current = [i]
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution)
    }
    previous = current
  }
  return previous[right.length] as number
}

/** Character error rate of `recognized` against `truth`: edits per character of the truth. */
export function characterErrorRate(recognized: string, truth: string): number {
  return editDistance(recognized, truth) / Math.max(1, [...truth].length)
}

const quiet = { info() {}, warn() {}, error() {} }

/** An app over the built-in PP-OCR models; `load: false` leaves them loading. */
export async function ocrApp(options: NodeOcrOptions & { load?: boolean } = {}) {
  const registry = new ModelRegistry({ loader: onnxLoader(), log: quiet })
  const names: string[] = Object.values(OCR_MODELS)
  registry.add(builtinModels().filter((m) => names.includes(m.name)))
  if (options.load ?? true) await registry.loadAll()
  const ocr = await createNodeOcrService(registry, options)
  const errors: unknown[] = []
  const app = createApp({ registry, ocr, log: { error: (_message, fields) => errors.push(fields) } })
  return {
    app,
    registry,
    ocr,
    errors,
    close: async () => {
      await ocr.close?.()
      await registry.close()
    },
  }
}

export interface OcrBody {
  model: string
  width: number
  height: number
  lines: { text: string; confidence: number; box: [number, number][] }[]
}

/** Posts to `/v1/ocr` in-process and parses the JSON answer. */
export async function postOcr(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  init: RequestInit,
  query = '',
) {
  const response = await app.request(`http://localhost/v1/ocr${query}`, { method: 'POST', ...init })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as unknown }
}
