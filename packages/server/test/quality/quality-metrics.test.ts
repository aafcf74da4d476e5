/** The quality and drift gauges as Prometheus renders them, read from a monitor when scraped. */
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { registerQualityMetrics } from '../../src/observability/quality-metrics.js'
import { QualityMonitor } from '../../src/quality/quality-monitor.js'
import type { HostTensor } from '../../src/runtime/types.js'

const fp32 = (values: number[]): HostTensor => ({
  datatype: 'FP32',
  shape: [1, values.length],
  data: Float32Array.from(values),
})

describe('quality metrics', () => {
  it('export accuracy, errors, scores, pending answers and input drift per version, as they are at scrape time', async () => {
    const registry = new Registry()
    const quality = new QualityMonitor({ referenceSize: 100 })
    quality.configure('m', {})
    registerQualityMetrics(registry, quality)
    // 100 values make the reference (0–9 repeated); 10 more, all 20 and so out of its range.
    for (let i = 0; i < 10; i++)
      quality.served(`r${i}`, 'm', '1', { x: fp32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }, fp32([1, 0]))
    quality.served('late', 'm', '1', { x: fp32(Array(10).fill(20)) }, fp32([0, 1]))
    quality.feedback('m', { id: 'r0', label: 0 })
    quality.feedback('m', { id: 'r1', label: 1 })
    quality.feedback('m', { id: 'r2', value: [1, 2] })
    quality.feedback('m', { id: 'r3', score: 0.5 })
    const text = await registry.metrics()
    expect(text).toContain('modelport_model_accuracy{model="m",version="1"} 0.5')
    expect(text).toContain('modelport_model_mean_absolute_error{model="m",version="1"} 1')
    expect(text).toContain(
      'modelport_model_root_mean_squared_error{model="m",version="1"} 1.4142135623730951',
    )
    expect(text).toContain('modelport_model_mean_score{model="m",version="1"} 0.5')
    expect(text).toContain('modelport_feedback_total{model="m",version="1",kind="label"} 2')
    expect(text).toContain('modelport_feedback_pending 7')
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.split(' ')[1],
      )
    expect(value('modelport_input_mean{model="m",version="1",input="x",basis="reference"}')).toBeCloseTo(
      4.5,
      9,
    )
    expect(text).toContain('modelport_input_mean{model="m",version="1",input="x",basis="live"} 20')
    expect(text).toContain('modelport_input_out_of_range_ratio{model="m",version="1",input="x"} 1')
  })
})
