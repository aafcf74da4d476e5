import { describe, expect, it } from 'vitest'
import { budgetBytes, measureSize } from '../scripts/size'

describe('size budget', () => {
  it(`an app that imports createModelport and calls one method stays within ${budgetBytes} bytes, minified and gzipped`, async () => {
    const { minified, gzipped } = await measureSize()
    expect(minified).toBeGreaterThan(1000) // the bundle really holds the client
    expect(gzipped, `${gzipped} B gzipped is over the budget of ${budgetBytes} B`).toBeLessThanOrEqual(
      budgetBytes,
    )
  })
})
