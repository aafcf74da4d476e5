/**
 * Reading order for text boxes. Within a block, the reference's `sorted_boxes`: by the top-left corner,
 * top to bottom, and boxes whose tops are within 10 pixels of each other left to right. Before that,
 * columns are told apart: where an empty vertical band runs through the whole block and both sides are
 * substantial, each side is read to its end before the next (a recursive X-Y cut), so two columns are
 * not interleaved row by row.
 */
import type { Point, Quad } from './types.js'

interface Bounds {
  left: number
  top: number
  right: number
  bottom: number
}

const bounds = (box: Quad): Bounds => {
  const xs = box.map((p) => p[0])
  const ys = box.map((p) => p[1])
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) }
}

/** The reference's order: (top-left y, x), then neighbours within 10 px of height swapped into x order. */
export function referenceOrder<T extends { box: Quad }>(items: readonly T[]): T[] {
  const sorted = [...items].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0])
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const here = sorted[j] as T
      const next = sorted[j + 1] as T
      if (Math.abs(next.box[0][1] - here.box[0][1]) < 10 && next.box[0][0] < here.box[0][0]) {
        sorted[j] = next
        sorted[j + 1] = here
      } else break
    }
  }
  return sorted
}

/**
 * Splits at the widest empty vertical band, if it is at least `gap` wide and each side is at least a
 * quarter of the block wide with two or more boxes (a receipt's price column stays beside its items).
 */
function columnCut<T>(entries: { item: T; bounds: Bounds }[], gap: number) {
  const sorted = [...entries].sort((a, b) => a.bounds.left - b.bounds.left)
  const left = Math.min(...entries.map((e) => e.bounds.left))
  const right = Math.max(...entries.map((e) => e.bounds.right))
  let reach = Number.NEGATIVE_INFINITY
  let best: { at: number; width: number } | undefined
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i] as (typeof sorted)[number]
    if (i > 0 && entry.bounds.left - reach >= gap && (!best || entry.bounds.left - reach > best.width)) {
      const leftCount = i
      const rightCount = sorted.length - i
      const leftWidth = reach - left
      const rightWidth = right - entry.bounds.left
      const quarter = (right - left) / 4
      if (leftCount >= 2 && rightCount >= 2 && leftWidth >= quarter && rightWidth >= quarter)
        best = { at: i, width: entry.bounds.left - reach }
    }
    reach = Math.max(reach, entry.bounds.right)
  }
  return best ? [sorted.slice(0, best.at), sorted.slice(best.at)] : undefined
}

/** Splits at every empty horizontal band, top to bottom. */
function bandCut<T>(entries: { item: T; bounds: Bounds }[]) {
  const sorted = [...entries].sort((a, b) => a.bounds.top - b.bounds.top)
  const bands: (typeof sorted)[] = []
  let reach = Number.NEGATIVE_INFINITY
  for (const entry of sorted) {
    if (entry.bounds.top > reach || bands.length === 0) bands.push([entry])
    else bands[bands.length - 1]?.push(entry)
    reach = Math.max(reach, entry.bounds.bottom)
  }
  return bands
}

function order<T extends { box: Quad }>(
  entries: { item: T; bounds: Bounds }[],
  gap: number,
  depth: number,
): T[] {
  if (entries.length < 4 || depth > 8) return referenceOrder(entries.map((e) => e.item))
  const columns = columnCut(entries, gap)
  if (columns) return columns.flatMap((column) => order(column, gap, depth + 1))
  // No gutter runs through the whole block: a heading above (or a footer below) may be what blocks it.
  const bands = bandCut(entries)
  const split = (at: number) => [bands.slice(0, at).flat(), bands.slice(at).flat()]
  for (let at = 1; at < bands.length; at++) {
    const [above, below] = split(at) as [typeof entries, typeof entries]
    if (columnCut(below, gap)) return [...order(above, gap, depth + 1), ...order(below, gap, depth + 1)]
  }
  for (let at = bands.length - 1; at > 0; at--) {
    const [above, below] = split(at) as [typeof entries, typeof entries]
    if (columnCut(above, gap)) return [...order(above, gap, depth + 1), ...order(below, gap, depth + 1)]
  }
  return referenceOrder(entries.map((e) => e.item))
}

/** Sorts items into reading order by their boxes (image coordinates, the page upright). */
export function inReadingOrder<T extends { box: Quad }>(items: readonly T[]): T[] {
  const entries = items.map((item) => ({ item, bounds: bounds(item.box) }))
  const heights = entries.map((e) => e.bounds.bottom - e.bounds.top).sort((a, b) => a - b)
  // A gutter is at least two line heights: word gaps inside a line are far narrower.
  const gap = 2 * (heights[heights.length >> 1] ?? 0)
  return order(entries, gap, 0)
}

/** Quarter turns clockwise that bring a page upright, as told by its lines. */
export type PageTurn = 0 | 1 | 2 | 3

/** A point of the page in the frame where the page stands upright (for ordering, up to a shift). */
export function uprightPoint([x, y]: Point, turn: PageTurn): Point {
  if (turn === 1) return [y, -x]
  if (turn === 2) return [-x, -y]
  if (turn === 3) return [-y, x]
  return [x, y]
}
