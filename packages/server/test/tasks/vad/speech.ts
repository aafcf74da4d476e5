/**
 * Test audio: phrases spoken by espeak-ng placed between known silences, so the true speech bounds are
 * known, and a WAV writer for every format the VAD endpoint reads.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import wavefile from 'wavefile'

const { WaveFile } = wavefile

export const ESPEAK_RATE = 22050

export function hasEspeak(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Speaks `text` with espeak-ng at 22050 Hz, trimmed of its leading and trailing silence. */
export function speak(text: string): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'modelport-speech-'))
  try {
    const file = join(dir, 'speech.wav')
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', file, text])
    const wav = new WaveFile(readFileSync(file))
    const samples = Float32Array.from(wav.getSamples(false, Float64Array) as Float64Array, (v) => v / 32768)
    return trimSilence(samples, ESPEAK_RATE)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Cuts leading and trailing 10 ms frames whose RMS energy is below -40 dBFS. */
export function trimSilence(samples: Float32Array, sampleRate: number): Float32Array {
  const frame = Math.round(sampleRate / 100)
  const loud = (index: number) => {
    let sum = 0
    const end = Math.min(samples.length, index + frame)
    for (let i = index; i < end; i++) sum += (samples[i] as number) ** 2
    return Math.sqrt(sum / Math.max(1, end - index)) > 0.01
  }
  let start = 0
  while (start < samples.length && !loud(start)) start += frame
  let end = samples.length - frame
  while (end > start && !loud(end)) end -= frame
  return samples.slice(start, Math.min(samples.length, end + frame))
}

export interface Scene {
  samples: Float32Array
  sampleRate: number
  /** True speech bounds in seconds. */
  truth: { start: number; end: number }[]
}

/** Lays out silences and phrases in order: numbers are seconds of silence, arrays are speech. */
export function scene(parts: (number | Float32Array)[], sampleRate = ESPEAK_RATE): Scene {
  const length = parts.reduce<number>(
    (sum, part) => sum + (typeof part === 'number' ? Math.round(part * sampleRate) : part.length),
    0,
  )
  const samples = new Float32Array(length)
  const truth: Scene['truth'] = []
  let at = 0
  for (const part of parts) {
    if (typeof part === 'number') {
      at += Math.round(part * sampleRate)
      continue
    }
    samples.set(part, at)
    truth.push({ start: at / sampleRate, end: (at + part.length) / sampleRate })
    at += part.length
  }
  return { samples, sampleRate, truth }
}

/** Linear interpolation: a resampler independent of the server's. */
export function resampleLinear(samples: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(Math.floor((samples.length * to) / from))
  for (let i = 0; i < out.length; i++) {
    const position = (i * from) / to
    const left = Math.floor(position)
    const fraction = position - left
    const a = samples[left] ?? 0
    const b = samples[left + 1] ?? a
    out[i] = a + (b - a) * fraction
  }
  return out
}

export type WavEncoding = '8' | '16' | '24' | '32' | '32f' | '64' | 'mulaw' | 'alaw'

/** Writes channels of float samples as a WAV file in the given encoding, optionally big-endian (RIFX). */
export function writeWav(
  channels: Float32Array[],
  sampleRate: number,
  encoding: WavEncoding,
  options: { rifx?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const wav = new WaveFile()
  const scaled = (scale: number, offset = 0) =>
    channels.map((channel) =>
      Float64Array.from(channel, (v) => Math.round(Math.max(-1, Math.min(1, v)) * scale) + offset),
    )
  if (encoding === '32f' || encoding === '64') {
    wav.fromScratch(
      channels.length,
      sampleRate,
      encoding,
      channels.map((c) => Float64Array.from(c)),
    )
  } else if (encoding === 'mulaw' || encoding === 'alaw') {
    wav.fromScratch(channels.length, sampleRate, '16', scaled(32767))
    if (encoding === 'mulaw') wav.toMuLaw()
    else wav.toALaw()
  } else if (encoding === '8') {
    wav.fromScratch(channels.length, sampleRate, '8', scaled(127, 128))
  } else {
    const bits = Number(encoding)
    wav.fromScratch(channels.length, sampleRate, encoding, scaled(2 ** (bits - 1) - 1))
  }
  if (options.rifx) wav.toRIFX()
  return new Uint8Array(wav.toBuffer())
}

/** Mono float32 samples in a WAVE_FORMAT_EXTENSIBLE file (format 0xFFFE, float subformat GUID). */
export function extensibleFloatWav(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const header = 12 + 8 + 40 + 8
  const bytes = new Uint8Array(header + samples.length * 4)
  const view = new DataView(bytes.buffer)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  view.setUint32(4, bytes.length - 8, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 40, true)
  view.setUint16(20, 0xfffe, true)
  view.setUint16(22, 1, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * 4, true)
  view.setUint16(32, 4, true)
  view.setUint16(34, 32, true)
  view.setUint16(36, 22, true) // extension size
  view.setUint16(38, 32, true) // valid bits
  view.setUint32(40, 4, true) // channel mask: front centre
  // KSDATAFORMAT_SUBTYPE_IEEE_FLOAT: 00000003-0000-0010-8000-00aa00389b71
  bytes.set([3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 44)
  ascii(60, 'data')
  view.setUint32(64, samples.length * 4, true)
  for (const [index, sample] of samples.entries()) view.setFloat32(header + index * 4, sample, true)
  return bytes
}
