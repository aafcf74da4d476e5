/**
 * The OCR peer, in-process: `@gutenye/ocr-node` (PaddleOCR's PP-OCRv4 models on ONNX Runtime and sharp),
 * with the session settings modelport uses (one intra-op thread, no spinning). Each message is one image,
 * timed here around `detect()` alone.
 */
import Ocr from '@gutenye/ocr-node'

const ocr = await Ocr.create({
  onnxOptions: {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  },
})

process.on('message', async (message: { id: number; image: string }) => {
  try {
    // detect() passes its argument to sharp, which reads a path or the bytes themselves.
    const image = Buffer.from(message.image, 'base64') as unknown as string
    const started = performance.now()
    const lines = (await ocr.detect(image)) as { text: string }[]
    const ms = performance.now() - started
    process.send?.({ id: message.id, result: { ms, texts: lines.map((line) => line.text) } })
  } catch (error) {
    process.send?.({ id: message.id, error: (error as Error).message })
  }
})
process.send?.({ ready: true })
