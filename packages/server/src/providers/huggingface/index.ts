export { createHuggingFace, type HuggingFaceOptions } from './huggingface-provider.js'
