import { describe, expect, it } from 'vitest'
import { ctcClasses, ctcGreedyDecode } from '../../../src/tasks/ocr/ctc-decode.js'

const CLASSES = ctcClasses('a\nb\nc') // ['', 'a', 'b', 'c', ' ']

/** One step per entry: the class that wins and its probability; the rest share what is left. */
function steps(winners: [number, number][]): Float32Array {
  const out = new Float32Array(winners.length * CLASSES.length)
  winners.forEach(([winner, p], step) => {
    for (let k = 0; k < CLASSES.length; k++)
      out[step * CLASSES.length + k] = k === winner ? p : (1 - p) / (CLASSES.length - 1)
  })
  return out
}

describe('ctcClasses', () => {
  it.each([
    ['blank first, space last', 'a\nb\nc', ['', 'a', 'b', 'c', ' ']],
    ['a trailing newline adds nothing', 'a\nb\n', ['', 'a', 'b', ' ']],
    ['CRLF line ends', 'a\r\nb', ['', 'a', 'b', ' ']],
  ])('%s', (_name, text, want) => {
    expect(ctcClasses(text)).toEqual(want)
  })
})

describe('ctcGreedyDecode', () => {
  it.each<[string, [number, number][], string, number]>([
    [
      'repeats merge',
      [
        [1, 0.9],
        [1, 0.8],
        [2, 0.7],
      ],
      'ab',
      0.8,
    ],
    [
      'a blank separates a real double letter',
      [
        [1, 0.9],
        [0, 0.9],
        [1, 0.7],
      ],
      'aa',
      0.8,
    ],
    [
      'blanks alone give nothing, confidence 0',
      [
        [0, 0.9],
        [0, 0.9],
      ],
      '',
      0,
    ],
    [
      'the last class is a space',
      [
        [1, 0.9],
        [4, 0.6],
        [3, 0.9],
      ],
      'a c',
      0.8,
    ],
    [
      'a repeat after a different class counts again',
      [
        [2, 1],
        [3, 1],
        [2, 1],
      ],
      'bcb',
      1,
    ],
  ])('%s', (_name, winners, text, confidence) => {
    const decoded = ctcGreedyDecode(steps(winners), winners.length, CLASSES)
    expect(decoded.text).toBe(text)
    expect(decoded.confidence).toBeCloseTo(confidence, 6)
  })

  it('reads the second sequence of a batch from its offset', () => {
    const batch = new Float32Array([
      ...steps([
        [1, 0.9],
        [2, 0.9],
      ]),
      ...steps([
        [3, 0.5],
        [0, 0.9],
      ]),
    ])
    expect(ctcGreedyDecode(batch, 2, CLASSES, 2 * CLASSES.length)).toEqual({ text: 'c', confidence: 0.5 })
  })
})
