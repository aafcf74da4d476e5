/**
 * WAV decoding for the VAD task. wavefile finds the chunks and expands A-law and mu-law; PCM and float
 * samples are read here rather than by its generic unpacker, which misreads WAVE_FORMAT_EXTENSIBLE floats.
 */
import wavefile from 'wavefile'
import { badRequest } from '../../core/errors.js'
import { inSlices } from '../../core/next-turn.js'

// wavefile ships CommonJS; under Node's ESM loader its classes sit on the default export.
const { WaveFile } = wavefile

const PCM = 1
const FLOAT = 3
const A_LAW = 6
const MU_LAW = 7
const EXTENSIBLE = 0xfffe

const MIN_RATE = 4000
const MAX_RATE = 384000
const MAX_CHANNELS = 32

/** A parsed WAV file: its header, and its samples mixed down to mono on demand. */
export interface WavAudio {
  sampleRate: number
  channels: number
  /** Samples per channel. */
  frames: number
  /** Length in seconds. */
  duration: number
  /**
   * Averages the channels into one, as float samples in [-1, 1], a slice of frames at a time with the
   * event loop let run in between (an hour at 4 kHz took 277 ms in one go).
   */
  mono(): Promise<Float32Array>
}

/** Frames mixed between two turns of the event loop: about 20 ms of work here. */
const FRAMES_PER_SLICE = 1 << 20

interface Format {
  audioFormat: number
  numChannels: number
  sampleRate: number
  bitsPerSample: number
  subformat?: number[]
}

const invalid = (reason: string) =>
  badRequest(
    'invalid_audio',
    `The audio is not a WAV file this server can read: ${reason}. Send PCM (8, 16, 24 or 32-bit) or float (32 or 64-bit) WAV.`,
    'audio',
  )

type SampleReader = (view: DataView, offset: number) => number

function sampleReader(float: boolean, bits: number, littleEndian: boolean): SampleReader | undefined {
  if (float && bits === 32) return (v, o) => v.getFloat32(o, littleEndian)
  if (float && bits === 64) return (v, o) => v.getFloat64(o, littleEndian)
  if (float) return undefined
  if (bits === 8) return (v, o) => (v.getUint8(o) - 128) / 128
  if (bits === 16) return (v, o) => v.getInt16(o, littleEndian) / 32768
  if (bits === 24) {
    return (v, o) => {
      const high = littleEndian ? v.getInt8(o + 2) : v.getInt8(o)
      const middle = v.getUint8(o + 1)
      const low = littleEndian ? v.getUint8(o) : v.getUint8(o + 2)
      return ((high << 16) | (middle << 8) | low) / 8388608
    }
  }
  if (bits === 32) return (v, o) => v.getInt32(o, littleEndian) / 2147483648
  return undefined
}

/** Parses a WAV file's header; 400 with the reason when it cannot be read. Samples are decoded by `mono()`. */
export function parseWav(bytes: Uint8Array): WavAudio {
  if (bytes.byteLength === 0) throw invalid('the body is empty')
  const wav = new WaveFile()
  try {
    wav.fromBuffer(bytes)
  } catch (error) {
    throw invalid(describeParseError((error as Error).message))
  }
  const format = wav.fmt as Format
  const code = format.audioFormat === EXTENSIBLE ? (format.subformat?.[0] ?? 0) : format.audioFormat
  if (format.numChannels < 1 || format.numChannels > MAX_CHANNELS)
    throw invalid(`it declares ${format.numChannels} channels (1 to ${MAX_CHANNELS} are accepted)`)
  if (!Number.isInteger(format.sampleRate) || format.sampleRate < MIN_RATE || format.sampleRate > MAX_RATE)
    throw invalid(`its sample rate is ${format.sampleRate} Hz (${MIN_RATE} to ${MAX_RATE} Hz are accepted)`)

  // Read before any codec conversion, which rebuilds the header.
  const channels = format.numChannels
  const sampleRate = format.sampleRate
  let data = (wav.data as { samples: Uint8Array }).samples
  let bits = format.bitsPerSample
  let float = code === FLOAT
  if (code === A_LAW || code === MU_LAW) {
    // Companded audio is expanded to 16-bit PCM by wavefile, which knows those codecs.
    try {
      if (code === A_LAW) wav.fromALaw('16')
      else wav.fromMuLaw('16')
    } catch (error) {
      throw invalid(`its compressed samples could not be decoded (${(error as Error).message})`)
    }
    data = (wav.data as { samples: Uint8Array }).samples
    bits = 16
    float = false
  } else if (code !== PCM && code !== FLOAT) {
    throw invalid(`its encoding (format code ${code}) is not PCM, float, A-law or mu-law`)
  }
  const read = sampleReader(float, bits, wav.container !== 'RIFX')
  if (!read) throw invalid(`${bits}-bit ${float ? 'float' : 'PCM'} samples are not supported`)

  const bytesPerSample = bits / 8
  const frameBytes = bytesPerSample * channels
  const frames = Math.floor(data.byteLength / frameBytes)
  return {
    sampleRate,
    channels,
    frames,
    duration: frames / sampleRate,
    async mono() {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
      const out = new Float32Array(frames)
      await inSlices(frames, Math.max(1, Math.floor(FRAMES_PER_SLICE / channels)), (from, to) => {
        for (let frame = from; frame < to; frame++) {
          let sum = 0
          const base = frame * frameBytes
          for (let channel = 0; channel < channels; channel++)
            sum += read(view, base + channel * bytesPerSample)
          out[frame] = sum / channels
        }
      })
      return out
    },
  }
}

function describeParseError(message: string): string {
  if (/not a supported format/i.test(message)) return 'it has no RIFF/RIFX/RF64 header'
  if (/"fmt "/.test(message)) return "it has no 'fmt ' chunk"
  if (/"data"/.test(message)) return "it has no 'data' chunk (the file may be truncated)"
  if (/bit depth/i.test(message)) return 'its bit depth is not valid'
  if (/channels/i.test(message)) return 'its channel count is not valid'
  if (/sample rate/i.test(message)) return 'its sample rate is not valid'
  return 'its header could not be parsed'
}
