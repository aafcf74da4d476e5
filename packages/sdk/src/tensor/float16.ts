/**
 * IEEE 754 half precision, for runtimes without `Float16Array` (Node 20).
 * FP16 tensors are carried as their 16-bit patterns in a `Uint16Array`.
 */

/** `x` rounded to an integer, ties to even. */
function roundEven(x: number): number {
  const floor = Math.floor(x)
  const rest = x - floor
  return rest > 0.5 || (rest === 0.5 && floor % 2) ? floor + 1 : floor
}

/**
 * The half-precision bit pattern nearest to `value` (round half to even), rounded once from the double
 * itself: scaling by powers of two is exact, so no intermediate float32 rounding can shift a tie.
 */
export function toFloat16Bits(value: number): number {
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0
  const magnitude = Math.abs(value)
  if (Number.isNaN(value)) return 0x7e00
  // 65520 is halfway between the largest half, 65504, and 2^16: it and everything above round to infinity.
  if (magnitude >= 65520) return sign | 0x7c00
  // Subnormal halves are whole multiples of 2^-24; rounding up to 1024 of them gives the smallest normal.
  if (magnitude < 2 ** -14) return sign | roundEven(magnitude * 2 ** 24)
  let exponent = Math.floor(Math.log2(magnitude))
  // Math.log2 may miss by one next to a power of two.
  if (2 ** exponent > magnitude) exponent--
  else if (2 ** (exponent + 1) <= magnitude) exponent++
  // A mantissa that rounds up to 1024 carries into the exponent, as it should.
  return sign | (((exponent + 15) << 10) + roundEven((magnitude / 2 ** exponent - 1) * 1024))
}

/** The number a half-precision bit pattern stands for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >>> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}
