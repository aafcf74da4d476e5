/** Resampling to the 16 kHz that Silero VAD expects. */
import waveResampler from 'wave-resampler'
import { nextTurn } from '../../core/next-turn.js'

// wave-resampler ships CommonJS; under Node's ESM loader its function sits on the default export.
const { resample } = waveResampler

export const MODEL_SAMPLE_RATE = 16000

/** Resamples mono samples to 16 kHz (cubic interpolation behind a low-pass filter); 16 kHz input is returned as is. */
export function resampleTo16k(samples: Float32Array, sampleRate: number): Float32Array {
  if (sampleRate === MODEL_SAMPLE_RATE || samples.length === 0) return samples
  return Float32Array.from(resample(samples, sampleRate, MODEL_SAMPLE_RATE, { method: 'cubic', LPF: true }))
}

/**
 * Audio resampled per block (2 s) with the event loop let run between blocks. wave-resampler costs 7 to
 * 25 ms per second of audio here (its low-pass filter runs forward and back over the whole signal), so
 * an hour at 4 kHz held the loop 41 s in one call. Each block is resampled with 0.1 s of its neighbours
 * on both sides, where the filter settles, and only its own part kept.
 */
export async function resampleInBlocks(samples: Float32Array, sampleRate: number): Promise<Float32Array> {
  const block = sampleRate * 2
  const margin = Math.ceil(sampleRate / 10)
  if (sampleRate === MODEL_SAMPLE_RATE || samples.length <= block + 2 * margin) {
    return resampleTo16k(samples, sampleRate)
  }
  const ratio = MODEL_SAMPLE_RATE / sampleRate
  const out = new Float32Array(Math.floor(samples.length * ratio))
  for (let start = 0; start < samples.length; start += block) {
    if (start > 0) await nextTurn()
    const from = Math.max(0, start - margin)
    const end = Math.min(samples.length, start + block)
    // A copy: the filter works in place on its input.
    const piece = resampleTo16k(samples.slice(from, Math.min(samples.length, end + margin)), sampleRate)
    const at = Math.round(start * ratio)
    const skip = Math.round((start - from) * ratio)
    const length = Math.min(Math.round(end * ratio) - at, out.length - at, piece.length - skip)
    out.set(piece.subarray(skip, skip + length), at)
  }
  return out
}
