import { describe, expect, it } from 'vitest'
import { aspectBatches, eachLimited } from '../../../src/tasks/ocr/batches.js'
import { classifierSample, flips } from '../../../src/tasks/ocr/classify.js'
import { sniffImageFormat } from '../../../src/tasks/ocr/image-format.js'
import { inReadingOrder, referenceOrder } from '../../../src/tasks/ocr/reading-order.js'
import { batchWidth } from '../../../src/tasks/ocr/recognize.js'
import type { Quad } from '../../../src/tasks/ocr/types.js'

/** An axis-aligned box from left, top, width, height. */
const box = (left: number, top: number, width: number, height: number): Quad => [
  [left, top],
  [left + width, top],
  [left + width, top + height],
  [left, top + height],
]

describe('inReadingOrder', () => {
  it.each<[string, [string, Quad][], string[]]>([
    [
      'top to bottom',
      [
        ['b', box(0, 50, 100, 20)],
        ['a', box(0, 10, 100, 20)],
      ],
      ['a', 'b'],
    ],
    [
      'left to right within a row',
      [
        ['right', box(200, 10, 80, 20)],
        ['left', box(0, 12, 80, 20)],
      ],
      ['left', 'right'],
    ],
    [
      'a taller neighbour stays in the row',
      [
        ['small', box(200, 14, 60, 12)],
        ['big', box(0, 5, 100, 30)],
        ['next', box(0, 50, 100, 20)],
      ],
      ['big', 'small', 'next'],
    ],
    [
      'a slightly lower box on the right still follows its row',
      [
        ['second', box(0, 40, 100, 20)],
        ['first-right', box(150, 16, 100, 20)],
        ['first-left', box(0, 10, 100, 20)],
      ],
      ['first-left', 'first-right', 'second'],
    ],
    [
      'two columns are read column by column',
      [
        ['r2', box(300, 40, 100, 20)],
        ['l1', box(0, 10, 100, 20)],
        ['l2', box(0, 40, 100, 20)],
        ['r1', box(300, 10, 100, 20)],
      ],
      ['l1', 'l2', 'r1', 'r2'],
    ],
    [
      'a heading across both columns comes first',
      [
        ['r1', box(300, 50, 100, 20)],
        ['title', box(0, 10, 400, 24)],
        ['l1', box(0, 50, 100, 20)],
        ['l2', box(0, 80, 100, 20)],
        ['r2', box(300, 80, 100, 20)],
      ],
      ['title', 'l1', 'l2', 'r1', 'r2'],
    ],
    [
      "a receipt's narrow price column stays beside its items",
      [
        ['bread', box(0, 10, 300, 20)],
        ['4.50', box(400, 10, 60, 20)],
        ['milk', box(0, 40, 300, 20)],
        ['1.20', box(400, 40, 60, 20)],
      ],
      ['bread', '4.50', 'milk', '1.20'],
    ],
    ['nothing', [], []],
  ])('%s', (_name, items, want) => {
    const sorted = inReadingOrder(items.map(([text, quad]) => ({ text, box: quad })))
    expect(sorted.map((item) => item.text)).toEqual(want)
  })
})

describe('referenceOrder', () => {
  it('sorts by the top-left corner and swaps neighbours whose tops are within 10 px into x order', () => {
    const items = [
      { text: 'b', box: box(200, 19, 50, 20) },
      { text: 'a', box: box(0, 10, 50, 20) },
      { text: 'c', box: box(0, 30, 50, 20) },
    ]
    expect(referenceOrder(items).map((i) => i.text)).toEqual(['a', 'b', 'c'])
    // 10 px apart is a new row.
    const apart = [
      { text: 'b', box: box(200, 20, 50, 20) },
      { text: 'a', box: box(0, 10, 50, 20) },
    ]
    expect(referenceOrder(apart).map((i) => i.text)).toEqual(['a', 'b'])
  })
})

const crop = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 3) })

describe('aspectBatches', () => {
  it.each<[string, [number, number][], number, number, number[][]]>([
    [
      'sorted by aspect, cut into runs of the batch size',
      [
        [300, 30],
        [100, 30],
        [110, 30],
        [320, 30],
      ],
      2,
      Number.POSITIVE_INFINITY,
      [
        [1, 2],
        [0, 3],
      ],
    ],
    [
      'the column budget ends a batch early',
      [
        [300, 30],
        [300, 30],
        [300, 30],
      ],
      6,
      1000,
      [[0, 1], [2]],
    ],
    ['no lines, no batches', [], 6, Number.POSITIVE_INFINITY, []],
  ])('%s', (_name, sizes, size, columns, want) => {
    const crops = sizes.map(([w, h]) => crop(w, h))
    expect(aspectBatches(crops, size, columns, (members) => batchWidth(members))).toEqual(want)
  })
})

describe('eachLimited', () => {
  it('runs every item, never more than the limit at once, starting them in order', async () => {
    let running = 0
    let most = 0
    const started: number[] = []
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      started.push(item)
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, item % 3))
      running--
    })
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(most).toBe(3)
  })
  it('does nothing for no items', async () => {
    await eachLimited([], 4, async () => {
      throw new Error('not called')
    })
  })
})

describe('batchWidth', () => {
  it.each<[string, [number, number][], number]>([
    ['never narrower than the nominal 320', [[50, 48]], 320],
    [
      '48 × the widest aspect',
      [
        [100, 48],
        [1000, 48],
      ],
      1000,
    ],
    ['a line keeps its last column (rounded up)', [[1001, 96]], 501],
    ['at most 3200', [[10000, 48]], 3200],
  ])('%s', (_name, sizes, want) => {
    expect(batchWidth(sizes.map(([w, h]) => crop(w, h)))).toBe(want)
  })
})

describe('classifierSample', () => {
  it('classifies every line of a small group and the widest of a voting one', () => {
    const crops = [crop(100, 20), crop(300, 20), crop(200, 20), crop(50, 20), crop(80, 40)]
    expect([...classifierSample(crops, [0, 0, 0, 0, 1], 2)].sort()).toEqual([1, 2, 4])
    expect([...classifierSample(crops.slice(0, 2), [0, 0], 1)].sort()).toEqual([0, 1])
  })
})

describe('flips', () => {
  const crops = [crop(100, 20), crop(300, 20), crop(200, 20), crop(100, 20)]
  it('follows the reference for few lines: turned when 180° is over the threshold', () => {
    expect(flips(crops.slice(0, 2), Float32Array.of(0.95, 0.6), [0, 0], 0.9)).toEqual([true, false])
  })
  it('turns a group of three or more together by its width-weighted vote', () => {
    expect(flips(crops, Float32Array.of(0.2, 0.97, 0.8, 0.1), [0, 0, 0, 0], 0.9)).toEqual([
      true,
      true,
      true,
      true,
    ])
    expect(flips(crops, Float32Array.of(0.95, 0.1, 0.2, 0.99), [0, 0, 0, 0], 0.9)).toEqual([
      false,
      false,
      false,
      false,
    ])
  })
  it('lets lines left out of the sample (NaN) follow their group without weighing in', () => {
    expect(flips(crops, Float32Array.of(Number.NaN, 0.97, 0.8, Number.NaN), [0, 0, 0, 0], 0.9)).toEqual([
      true,
      true,
      true,
      true,
    ])
  })
  it('votes per group (lying and standing lines apart)', () => {
    expect(flips(crops, Float32Array.of(0.95, 0.97, 0.99, 0.1), [0, 0, 0, 1], 0.9)).toEqual([
      true,
      true,
      true,
      false,
    ])
  })
})

describe('sniffImageFormat', () => {
  const bytes = (...values: (number | string)[]) =>
    new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])))
  it.each<[string, Uint8Array, string | undefined]>([
    ['PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), 'png'],
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'jpeg'],
    ['WebP', bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), 'webp'],
    ['GIF', bytes('GIF89a'), 'gif'],
    ['TIFF', bytes('II', 0x2a, 0), 'tiff'],
    ['AVIF', bytes(0, 0, 0, 0x20, 'ftypavif'), 'avif'],
    ['SVG after whitespace', bytes('  <svg xmlns="http://www.w3.org/2000/svg">'), 'svg'],
    ['SVG behind an XML declaration', bytes('<?xml version="1.0"?><svg/>'), 'svg'],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '), undefined],
    ['text', bytes('hello'), undefined],
    ['nothing', bytes(), undefined],
  ])('%s', (_name, file, want) => {
    expect(sniffImageFormat(file)).toBe(want)
  })
})
