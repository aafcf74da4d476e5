import { describe, expect, it } from 'vitest'
import { fromFloat16Bits, toFloat16Bits } from '../src/tensor/float16'

const isNaNBits = (bits: number) => (bits & 0x7c00) === 0x7c00 && (bits & 0x03ff) !== 0
const hex = (bits: number) => `0x${bits.toString(16).padStart(4, '0')}`

/** Pairs where both directions hold exactly: toFloat16Bits(value) === bits and fromFloat16Bits(bits) is value. */
const exact: [string, { value: number; bits: number }][] = [
  ['zero', { value: 0, bits: 0x0000 }],
  ['negative zero', { value: -0, bits: 0x8000 }],
  ['one', { value: 1, bits: 0x3c00 }],
  ['minus two', { value: -2, bits: 0xc000 }],
  ['largest finite (65504)', { value: 65504, bits: 0x7bff }],
  ['smallest subnormal (2^-24)', { value: 2 ** -24, bits: 0x0001 }],
  ['negative smallest subnormal', { value: -(2 ** -24), bits: 0x8001 }],
  ['largest subnormal (1023 * 2^-24)', { value: 1023 * 2 ** -24, bits: 0x03ff }],
  ['smallest normal (2^-14)', { value: 2 ** -14, bits: 0x0400 }],
  ['one third, rounded (0x3555)', { value: 0.333251953125, bits: 0x3555 }],
  ['one plus one ulp', { value: 1 + 2 ** -10, bits: 0x3c01 }],
  ['+Infinity', { value: Number.POSITIVE_INFINITY, bits: 0x7c00 }],
  ['-Infinity', { value: Number.NEGATIVE_INFINITY, bits: 0xfc00 }],
]

/** Values that are not halves: they must round to the nearest half, ties to even. */
const rounded: [string, { given: number; want: number }][] = [
  ['1/3', { given: 1 / 3, want: 0x3555 }],
  ['0.1', { given: 0.1, want: 0x2e66 }],
  ['65519 rounds down to the largest finite', { given: 65519, want: 0x7bff }],
  ['65520 (halfway to 2^16) overflows to +Infinity', { given: 65520, want: 0x7c00 }],
  ['-65520 overflows to -Infinity', { given: -65520, want: 0xfc00 }],
  ['1e6 overflows to +Infinity', { given: 1e6, want: 0x7c00 }],
  ['beyond float32 range overflows to +Infinity', { given: 1e300, want: 0x7c00 }],
  ['tie 1 + 2^-11 goes to even 1.0', { given: 1 + 2 ** -11, want: 0x3c00 }],
  ['tie 1 + 3 * 2^-11 goes to even 0x3c02', { given: 1 + 3 * 2 ** -11, want: 0x3c02 }],
  ['just above the tie 1 + 2^-11 rounds up', { given: 1 + 2 ** -11 + 2 ** -20, want: 0x3c01 }],
  ['subnormal tie 2^-25 goes to even zero', { given: 2 ** -25, want: 0x0000 }],
  ['subnormal tie 3 * 2^-25 goes to even 0x0002', { given: 3 * 2 ** -25, want: 0x0002 }],
  ['subnormal tie 5 * 2^-25 goes to even 0x0002', { given: 5 * 2 ** -25, want: 0x0002 }],
  ['1.5 * 2^-25 rounds up to the smallest subnormal', { given: 1.5 * 2 ** -25, want: 0x0001 }],
  ['2^-26 underflows to zero', { given: 2 ** -26, want: 0x0000 }],
  ['-2^-26 underflows to negative zero', { given: -(2 ** -26), want: 0x8000 }],
  ['tiny float64 below float32 range underflows to zero', { given: 1e-300, want: 0x0000 }],
  // Float64 values that float32 would round onto a half tie: rounding twice must not change the answer.
  ['1 + 2^-11 + 2^-30 rounds up, not to the float32 tie', { given: 1 + 2 ** -11 + 2 ** -30, want: 0x3c01 }],
  ['1 + 3 * 2^-11 - 2^-30 rounds down', { given: 1 + 3 * 2 ** -11 - 2 ** -30, want: 0x3c01 }],
  ['65520 - 2^-20 stays finite', { given: 65520 - 2 ** -20, want: 0x7bff }],
  ['2^-25 + 2^-50 rounds up to the smallest subnormal', { given: 2 ** -25 + 2 ** -50, want: 0x0001 }],
  ['-(1 + 2^-11 + 2^-30) rounds away from zero too', { given: -(1 + 2 ** -11 + 2 ** -30), want: 0xbc01 }],
]

describe('toFloat16Bits', () => {
  it.each(exact)('%s', (_, { value, bits }) => {
    expect(hex(toFloat16Bits(value))).toBe(hex(bits))
  })

  it.each(rounded)('%s', (_, { given, want }) => {
    expect(hex(toFloat16Bits(given))).toBe(hex(want))
  })

  it.each([
    ['NaN', Number.NaN],
    ['-NaN', -Number.NaN],
    ['0/0', 0 / 0],
  ])('%s gives a NaN pattern', (_, value) => {
    expect(isNaNBits(toFloat16Bits(value))).toBe(true)
  })

  it('rounds every value near a midpoint between neighbouring halves to the nearer one', () => {
    // For each pair of adjacent positive halves (including the largest finite and infinity), a value a
    // relative 2^-40 either side of their midpoint is below float32 precision: it must still go its way.
    const failures: string[] = []
    for (let bits = 0; bits < 0x7c00; bits++) {
      const lo = fromFloat16Bits(bits)
      const hi = bits === 0x7bff ? 65536 : fromFloat16Bits(bits + 1)
      const mid = (lo + hi) / 2
      const delta = mid * 2 ** -40
      const down = toFloat16Bits(mid - delta)
      const up = toFloat16Bits(mid + delta)
      const tie = toFloat16Bits(mid)
      const even = bits % 2 === 0 ? bits : bits + 1
      if (down !== bits || up !== bits + 1 || tie !== even) {
        failures.push(`${hex(bits)}: down ${hex(down)} up ${hex(up)} tie ${hex(tie)}`)
      }
    }
    expect(failures.slice(0, 10)).toEqual([])
  })
})

describe('fromFloat16Bits', () => {
  it.each(exact)('%s', (_, { value, bits }) => {
    // toBe is Object.is: 0 and -0 are told apart.
    expect(fromFloat16Bits(bits)).toBe(value)
  })

  it.each([0x7c01, 0x7e00, 0x7fff, 0xfc01, 0xfe00, 0xffff].map((bits) => [hex(bits), bits] as const))(
    '%s is NaN',
    (_, bits) => {
      expect(fromFloat16Bits(bits)).toBeNaN()
    },
  )

  it('round-trips every one of the 65536 bit patterns that is not NaN', () => {
    const failures: string[] = []
    let checked = 0
    for (let bits = 0; bits <= 0xffff; bits++) {
      const value = fromFloat16Bits(bits)
      if (isNaNBits(bits)) {
        if (!Number.isNaN(value)) failures.push(`${hex(bits)} is a NaN pattern but decoded to ${value}`)
        else if (!isNaNBits(toFloat16Bits(value)))
          failures.push(`NaN from ${hex(bits)} did not encode to NaN`)
        continue
      }
      checked++
      const back = toFloat16Bits(value)
      if (back !== bits) failures.push(`${hex(bits)} -> ${value} -> ${hex(back)}`)
    }
    expect(failures.slice(0, 10)).toEqual([])
    expect(checked).toBe(65536 - 2 * 1023)
  })

  it('is monotonic over the positive finite patterns', () => {
    for (let bits = 1; bits <= 0x7c00; bits++) {
      if (!(fromFloat16Bits(bits) > fromFloat16Bits(bits - 1))) {
        expect.fail(`${hex(bits)} is not greater than ${hex(bits - 1)}`)
      }
    }
  })
})
