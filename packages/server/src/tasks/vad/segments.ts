/**
 * Turns per-window speech probabilities into speech segments, after Silero's `get_speech_timestamps`:
 * speech starts at a window at or above `threshold`; it ends once probabilities stay below
 * `threshold - 0.15` for `minSilenceMs`; speech shorter than `minSpeechMs` is dropped; padding shares
 * a short gap between neighbours instead of overlapping them.
 *
 * One deliberate difference: a segment ends after its last window at or above `threshold`, where
 * Silero's reference ends it at the first window below the lower threshold. The model's probability
 * decays over two or three windows after speech stops, so the reference lands up to ~100 ms late on
 * speech with a known end; the lower threshold still decides *whether* speech has ended.
 */

export interface SegmentOptions {
  /** Probability at or above which a window is speech (0–1). */
  threshold: number
  minSpeechMs: number
  minSilenceMs: number
  speechPadMs: number
}

/** A segment in samples: `[start, end)`. */
export interface SampleSegment {
  start: number
  end: number
}

export function speechSegments(
  probabilities: ArrayLike<number>,
  options: SegmentOptions & { windowSamples: number; totalSamples: number; sampleRate: number },
): SampleSegment[] {
  const { threshold, windowSamples, totalSamples, sampleRate } = options
  const negativeThreshold = Math.max(threshold - 0.15, 0.01)
  const minSpeech = (sampleRate * options.minSpeechMs) / 1000
  const minSilence = (sampleRate * options.minSilenceMs) / 1000

  const speeches: SampleSegment[] = []
  let start: number | undefined
  let lastSpeechEnd = 0
  let silenceStart: number | undefined
  const close = () => {
    const end = Math.min(totalSamples, lastSpeechEnd)
    if (start !== undefined && end - start > minSpeech) speeches.push({ start, end })
    start = undefined
    silenceStart = undefined
  }
  for (let index = 0; index < probabilities.length; index++) {
    const probability = probabilities[index] as number
    const at = index * windowSamples
    if (probability >= threshold) {
      start ??= at
      lastSpeechEnd = at + windowSamples
      silenceStart = undefined
      continue
    }
    if (start === undefined || probability >= negativeThreshold) continue
    silenceStart ??= at
    if (at - silenceStart >= minSilence) close()
  }
  close()
  return pad(speeches, Math.floor((sampleRate * options.speechPadMs) / 1000), totalSamples)
}

/** Widens each segment by `padding` samples on both sides, splitting a shorter gap between neighbours. */
function pad(speeches: SampleSegment[], padding: number, totalSamples: number): SampleSegment[] {
  for (let index = 0; index < speeches.length; index++) {
    const speech = speeches[index] as SampleSegment
    const next = speeches[index + 1]
    if (index === 0) speech.start = Math.max(0, speech.start - padding)
    if (!next) {
      speech.end = Math.min(totalSamples, speech.end + padding)
      continue
    }
    const gap = next.start - speech.end
    const share = gap < 2 * padding ? Math.floor(gap / 2) : padding
    speech.end += share
    next.start -= share
  }
  return speeches
}
