export { DEFAULT_VAD_OPTIONS, detectSpeech, type VadOptions, type VadResult } from './detect-speech.js'
export { checkSileroSignature } from './silero.js'
