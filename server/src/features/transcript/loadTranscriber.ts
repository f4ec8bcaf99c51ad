import type { Logger } from 'pino';
import { createTranscriber } from './asr/index.js';
import type { Transcriber } from './asr/types.js';

/**
 * The transcriber the server runs: an operator-installed sherpa-onnx model for its
 * languages, pocketsphinx for English, else segments only (see docs/ASR.md).
 */
export async function loadTranscriber(dataDir: string, log: Logger): Promise<Transcriber> {
  const transcriber = createTranscriber({ dataDir, log });
  for (const language of ['zh', 'en'] as const) log.info({ language, ...transcriber.describe(language) }, 'speech recognition');
  return transcriber;
}
