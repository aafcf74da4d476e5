import { describe, expect, it } from 'vitest'
import { type SegmentOptions, speechSegments } from '../../../src/tasks/vad/segments.js'

// 100 samples a second and 10-sample windows keep the arithmetic readable: one window = 0.1 s.
const layout = { windowSamples: 10, sampleRate: 100 }
const defaults: SegmentOptions = { threshold: 0.5, minSpeechMs: 250, minSilenceMs: 100, speechPadMs: 0 }

/** One character per window: '#' speech (0.9), '~' undecided (0.4, between the thresholds), '.' silence (0.1). */
const probabilities = (windows: string) =>
  Array.from(windows, (c) => (c === '#' ? 0.9 : c === '~' ? 0.4 : 0.1))

const cases: [string, { windows: string; options?: Partial<SegmentOptions>; want: [number, number][] }][] = [
  ['silence gives nothing', { windows: '..........', want: [] }],
  ['speech between silences', { windows: '...####...', want: [[30, 70]] }],
  ['speech shorter than min_speech is dropped', { windows: '...##.....', want: [] }],
  ['min_speech can be lowered', { windows: '...##.....', options: { minSpeechMs: 100 }, want: [[30, 50]] }],
  [
    'a silence shorter than min_silence does not split',
    { windows: '.###.###..', options: { minSilenceMs: 200 }, want: [[10, 80]] },
  ],
  // As in Silero, silence is timed from its first window's start, so it must outlast min_silence by a window.
  [
    'a silence longer than min_silence splits',
    {
      windows: '.###...###..',
      options: { minSilenceMs: 200 },
      want: [
        [10, 40],
        [70, 100],
      ],
    },
  ],
  ['undecided windows neither end nor extend speech', { windows: '..###~~~~###..', want: [[20, 120]] }],
  ['undecided windows after speech are not speech', { windows: '..####~~~.....', want: [[20, 60]] }],
  ['undecided windows alone never start speech', { windows: '~~~~~~~~~~', want: [] }],
  ['speech running to the end ends with the audio', { windows: '.....#####', want: [[50, 97]] }],
  [
    'padding widens both sides, clamped to the audio',
    {
      windows: '###....###',
      options: { speechPadMs: 100 },
      want: [
        [0, 40],
        [60, 97],
      ],
    },
  ],
  [
    'padding splits a gap narrower than twice the pad',
    {
      windows: '.###..###.',
      options: { speechPadMs: 200, minSilenceMs: 100 },
      want: [
        [0, 50],
        [50, 97],
      ],
    },
  ],
  [
    'a higher threshold turns speech into undecided',
    { windows: '..####....', options: { threshold: 0.95 }, want: [] },
  ],
]

describe('speech segments from window probabilities', () => {
  it.each(cases)('%s', (_name, { windows, options, want }) => {
    const segments = speechSegments(probabilities(windows), {
      ...defaults,
      ...options,
      ...layout,
      totalSamples: windows.length === 10 ? 97 : windows.length * 10,
    })
    expect(segments.map((s) => [s.start, s.end])).toEqual(want)
  })
})
