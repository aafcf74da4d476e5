/**
 * Weighted load balancing that still falls back: the targets come out as a weighted random
 * permutation (each pick proportional to weight among those left), so a failure moves on to the
 * others. Zero-weight targets are never picked first; they stay last, in config order.
 */

export function weightedOrder<T extends { weight: number }>(
  targets: readonly T[],
  random: () => number = Math.random,
): T[] {
  const left = targets.filter((target) => target.weight > 0)
  const order: T[] = []
  while (left.length > 0) {
    const total = left.reduce((sum, target) => sum + target.weight, 0)
    const point = random() * total
    // The first target whose cumulative weight passes the point.
    let index = 0
    let cumulative = left[0]?.weight ?? 0
    while (point >= cumulative && index < left.length - 1) {
      index++
      cumulative += left[index]?.weight ?? 0
    }
    order.push(...left.splice(index, 1))
  }
  return [...order, ...targets.filter((target) => target.weight <= 0)]
}
