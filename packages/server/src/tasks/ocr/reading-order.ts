/**
 * Reading order for text boxes: rows from top to bottom, boxes left to right within a row.
 */
import type { Quad } from './types.js'

interface Span {
  top: number
  bottom: number
  left: number
}

function span(box: Quad): Span {
  const ys = box.map((p) => p[1])
  return { top: Math.min(...ys), bottom: Math.max(...ys), left: Math.min(...box.map((p) => p[0])) }
}

/**
 * Sorts items by the reading order of their boxes. A box joins a row when its vertical middle lies
 * within the row's first box and that box's middle within it, so lines of different heights side by
 * side stay one row while stacked lines do not merge.
 */
export function inReadingOrder<T extends { box: Quad }>(items: readonly T[]): T[] {
  const spans = items.map((item) => ({ item, ...span(item.box) }))
  spans.sort((a, b) => a.top + a.bottom - (b.top + b.bottom))
  const rows: (typeof spans)[] = []
  for (const entry of spans) {
    const middle = (entry.top + entry.bottom) / 2
    const row = rows.find((r) => {
      const first = r[0] as (typeof spans)[number]
      const firstMiddle = (first.top + first.bottom) / 2
      return (
        middle >= first.top &&
        middle <= first.bottom &&
        firstMiddle >= entry.top &&
        firstMiddle <= entry.bottom
      )
    })
    if (row) row.push(entry)
    else rows.push([entry])
  }
  return rows.flatMap((row) => row.sort((a, b) => a.left - b.left).map((entry) => entry.item))
}
