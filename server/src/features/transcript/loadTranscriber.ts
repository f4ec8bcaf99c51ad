import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AsrStream, AsrStreamEvents, Transcriber } from './asr/types.js';

/**
 * The transcriber the server runs. Interim: until the recognition layer (asr/index.ts) is
 * wired in, streams are accepted and produce nothing.
 */
export async function loadTranscriber(_dataDir: string, _log: Logger): Promise<Transcriber> {
  return {
    describe: () => ({ engine: 'segments', model: null, recognises: false }),
    start: () => {
      const stream = new EventEmitter<AsrStreamEvents>() as AsrStream;
      stream.push = () => undefined;
      stream.end = async () => undefined;
      return stream;
    },
    close: async () => undefined,
  };
}
