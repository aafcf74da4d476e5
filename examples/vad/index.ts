/**
 * Speech in a WAV file, with the built-in Silero VAD model. With `pnpm start` running, from the repository
 * root: `pnpm -F @modelport/examples run example vad [audio.wav]`.
 */
import { readFile } from 'node:fs/promises'
import { createModelport } from '@modelport/sdk'

const mp = createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' })

// Any sample rate and channel count, PCM or float: the server mixes down and resamples to 16 kHz.
const audio = new Uint8Array(await readFile(process.argv[2] ?? new URL('speech.wav', import.meta.url)))
const { model, duration, segments } = await mp.audio.vad({ audio, threshold: 0.5, min_silence_ms: 300 })

console.log(`${model}: ${segments.length} speech segments in ${duration.toFixed(2)} s`)
for (const { start, end } of segments) console.log(`${start.toFixed(2)}–${end.toFixed(2)} s`)
