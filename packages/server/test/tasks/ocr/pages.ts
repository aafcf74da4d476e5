/**
 * Pages of known text as users send them: columns, turned pages, small print, photos with uneven light
 * and JPEG noise, very wide and very tall images. Rendered by sharp from SVG with the installed fonts
 * (DejaVu, WenQuanYi Micro Hei), deterministic so a character error rate can be pinned per page.
 */
import sharp from 'sharp'
import type { ImageFormat } from './support.js'

export interface PageOptions {
  /** Text columns side by side, each read top to bottom; the truth is column after column. */
  columns: readonly (readonly string[])[]
  fontSize?: number
  fontFamily?: string
  /** Line pitch as a multiple of the font size (default 1.6). */
  lineHeight?: number
  /** Turn the finished page clockwise by this many degrees. */
  rotate?: 0 | 90 | 180 | 270
  /** A light falling off from one corner to this grey level in the other (0–255). */
  shade?: number
  /** Standard deviation of the grey noise added to every pixel. */
  noise?: number
  format?: ImageFormat
  /** JPEG quality (default 90). */
  quality?: number
}

export interface Page {
  file: Uint8Array<ArrayBuffer>
  format: ImageFormat
  width: number
  height: number
  /** The lines in reading order. */
  truth: string[]
}

export const CHINESE_FONT = 'WenQuanYi Micro Hei'
const WIDE = /[\u3000-\u9fff\uff00-\uffef]/
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Room a line takes, in font sizes (generous, so no line is cut at the edge). */
const lineWidth = (line: string) => [...line].reduce((sum, ch) => sum + (WIDE.test(ch) ? 1.05 : 0.68), 0)

/** A seeded uniform generator (mulberry32), so noise is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export async function renderPage(options: PageOptions): Promise<Page> {
  const fontSize = options.fontSize ?? 24
  const pitch = fontSize * (options.lineHeight ?? 1.6)
  const margin = Math.max(16, fontSize)
  const gap = fontSize * 3
  const fontFamily = options.fontFamily ?? 'DejaVu Sans'
  const columnWidths = options.columns.map((lines) => Math.ceil(Math.max(...lines.map(lineWidth)) * fontSize))
  const width = Math.ceil(
    columnWidths.reduce((sum, w) => sum + w, 0) + gap * (columnWidths.length - 1) + 2 * margin,
  )
  const rows = Math.max(...options.columns.map((lines) => lines.length))
  const height = Math.ceil(rows * pitch + 2 * margin)
  let left = margin
  const texts = options.columns.flatMap((lines, column) => {
    const x = left
    left += (columnWidths[column] as number) + gap
    return lines.map((line, i) => {
      const baseline = margin + i * pitch + (pitch + fontSize * 0.7) / 2
      return `<text x="${x}" y="${baseline.toFixed(1)}" font-family="${fontFamily}" font-size="${fontSize}">${escapeXml(line)}</text>`
    })
  })
  const shade = options.shade ?? 255
  const background =
    shade < 255
      ? `<defs><linearGradient id="light" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="rgb(${shade},${shade},${shade - 10})"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#light)"/>`
      : '<rect width="100%" height="100%" fill="#fff"/>'
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${background}${texts.join('')}</svg>`
  let image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' })
  if (options.noise) {
    const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const next = random(width * 31 + height)
    for (let i = 0; i < data.length; i += 3) {
      // Sum of uniforms: close enough to Gaussian, the same offset on each channel (sensor grain).
      const offset = (next() + next() + next() - 1.5) * 2 * (options.noise as number)
      for (let c = 0; c < 3; c++)
        data[i + c] = Math.min(255, Math.max(0, Math.round((data[i + c] as number) + offset)))
    }
    image = sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
  }
  if (options.rotate) image = sharp(await image.rotate(options.rotate).png().toBuffer())
  const format = options.format ?? 'png'
  const encoded =
    format === 'jpeg'
      ? image.jpeg({ quality: options.quality ?? 90 })
      : format === 'webp'
        ? image.webp()
        : image.png()
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
  return {
    file: new Uint8Array(data),
    format,
    width: info.width,
    height: info.height,
    truth: options.columns.flat(),
  }
}
