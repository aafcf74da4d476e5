/** Resampling to the 16 kHz that Silero VAD expects. */
import waveResampler from 'wave-resampler'

// wave-resampler ships CommonJS; under Node's ESM loader its function sits on the default export.
const { resample } = waveResampler

export const MODEL_SAMPLE_RATE = 16000

/** Resamples mono samples to 16 kHz (cubic interpolation behind a low-pass filter); 16 kHz input is returned as is. */
export function resampleTo16k(samples: Float32Array, sampleRate: number): Float32Array {
  if (sampleRate === MODEL_SAMPLE_RATE || samples.length === 0) return samples
  return Float32Array.from(resample(samples, sampleRate, MODEL_SAMPLE_RATE, { method: 'cubic', LPF: true }))
}
