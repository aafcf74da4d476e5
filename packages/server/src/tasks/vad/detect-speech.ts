/** Voice activity detection: WAV bytes in, speech segments in seconds out. */
import type { AbortSignalLike } from '../../core/cancellation.js'
import { tooLarge } from '../../core/errors.js'
import type { LoadedModel } from '../../runtime/types.js'
import { MODEL_SAMPLE_RATE, resampleInBlocks } from './resample.js'
import { type SegmentOptions, speechSegments } from './segments.js'
import { speechProbabilities, WINDOW_SAMPLES } from './silero.js'
import { parseWav } from './wav.js'

export type VadOptions = SegmentOptions

/** Silero's own defaults. */
export const DEFAULT_VAD_OPTIONS: Readonly<VadOptions> = {
  threshold: 0.5,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
}

export interface VadResult {
  /** The audio's length in seconds. */
  duration: number
  /** Speech segments in seconds, in order, rounded to the millisecond. */
  segments: { start: number; end: number }[]
}

const seconds = (samples: number) => Math.round((samples / MODEL_SAMPLE_RATE) * 1000) / 1000

/**
 * Finds speech in a WAV file with a Silero VAD v5 model. 400 for audio it cannot read, 413 for audio
 * longer than `maxSeconds`.
 */
export async function detectSpeech(
  model: LoadedModel,
  wav: Uint8Array,
  options: VadOptions & { maxSeconds: number; signal?: AbortSignalLike },
): Promise<VadResult> {
  const audio = parseWav(wav)
  if (audio.duration > options.maxSeconds) {
    throw tooLarge(
      `The audio is ${audio.duration.toFixed(1)} s long, over the limit of ${options.maxSeconds} s (maxAudioSeconds): send it in shorter pieces.`,
      'audio_too_long',
    )
  }
  const samples = await resampleInBlocks(await audio.mono(), audio.sampleRate)
  const probabilities = await speechProbabilities(model, samples, options.signal)
  const segments = speechSegments(probabilities, {
    ...options,
    windowSamples: WINDOW_SAMPLES,
    totalSamples: samples.length,
    sampleRate: MODEL_SAMPLE_RATE,
  })
  return {
    duration: Math.round(audio.duration * 1000) / 1000,
    segments: segments.map((s) => ({ start: seconds(s.start), end: seconds(s.end) })),
  }
}
