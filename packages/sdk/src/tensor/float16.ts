/**
 * IEEE 754 half precision, for runtimes without `Float16Array` (Node 20).
 * FP16 tensors are carried as their 16-bit patterns in a `Uint16Array`.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The half-precision bit pattern nearest to `value` (round half to even). */
export function toFloat16Bits(value: number): number {
  f32[0] = value
  const x = u32[0] as number
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  let mantissa = x & 0x7fffff

  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  // `value` was rounded to float32 above; on a float32 tie, break it by where `value` really lies.
  const above = Math.abs(value) > Math.abs(f32[0] as number)
  const below = Math.abs(value) < Math.abs(f32[0] as number)
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit leading bit in, then round to even.
    if (e < -10) return sign
    mantissa |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rest = mantissa & ((1 << shift) - 1)
    let bits = mantissa >>> shift
    if (rest > half || (rest === half && !below && (above || bits & 1))) bits++
    return sign | bits
  }
  let bits = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  if (rest > 0x1000 || (rest === 0x1000 && !below && (above || bits & 1))) bits++
  return sign | bits
}

/** The number a half-precision bit pattern stands for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >>> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}
