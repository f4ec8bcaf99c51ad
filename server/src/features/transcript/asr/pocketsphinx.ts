import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AsrLogger, Recogniser, RecognitionResult } from './engine.js';

/**
 * CMU pocketsphinx (Debian's libpocketsphinx3, 0.8+5prealpha API) loaded in-process through
 * koffi, with Debian's US English model (pocketsphinx-en-us). English only. Decoders take
 * about 0.4 s to load, so idle ones are kept for the next stream.
 */
export interface PocketSphinxOptions {
  library?: string;
  sphinxbase?: string;
  /** Folder with en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict. */
  modelDir?: string;
  /** Idle decoders kept loaded (default 2). */
  keepIdle?: number;
  /** More decoder arguments (after the defaults, e.g. ['-fwdflat', 'yes'] for the second pass). */
  args?: string[];
}

/** An opaque pointer from the native library (koffi). */
type Ptr = object;
interface Api {
  init(args: string[]): Ptr;
  startUtt(ps: Ptr): number;
  processRaw(ps: Ptr, pcm: Int16Array): number;
  hyp(ps: Ptr): string | null;
  endUtt(ps: Ptr): number;
  /** Mean posterior of the words of the last utterance (fillers left out). */
  confidence(ps: Ptr): number | null;
  free(ps: Ptr): void;
}

interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}
interface Koffi {
  load(path: string): KoffiLib;
}

const require = createRequire(import.meta.url);
const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
/**
 * No second (flat-lexicon) pass: it runs when the utterance ends, so it delayed each caption
 * by about a second (bench:asr p95 2.1 s → 0.8 s) without making the text better here.
 */
const DEFAULT_ARGS = ['-fwdflat', 'no'];
const FILLER = /^(<s>|<\/s>|<sil>|\[.*\]|\+.*\+)$/;

function bind(options: PocketSphinxOptions): Api {
  const koffi = require('koffi') as Koffi;
  const ps = koffi.load(options.library ?? 'libpocketsphinx.so.3');
  const sb = koffi.load(options.sphinxbase ?? 'libsphinxbase.so.3');
  const psArgs = ps.func('void *ps_args()');
  const parse = sb.func('void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)');
  const init = ps.func('void *ps_init(void *config)');
  const freeConfig = sb.func('int cmd_ln_free_r(void *config)');
  const start = ps.func('int ps_start_utt(void *ps)');
  const processRaw = ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)');
  const getHyp = ps.func('const char *ps_get_hyp(void *ps, _Out_ int *score)');
  const end = ps.func('int ps_end_utt(void *ps)');
  const free = ps.func('int ps_free(void *ps)');
  const logmath = ps.func('void *ps_get_logmath(void *ps)');
  const exp = sb.func('double logmath_exp(void *lmath, int p)');
  const segIter = ps.func('void *ps_seg_iter(void *ps)');
  const segNext = ps.func('void *ps_seg_next(void *seg)');
  const segWord = ps.func('const char *ps_seg_word(void *seg)');
  const segProb = ps.func('int ps_seg_prob(void *seg, _Out_ int *ascr, _Out_ int *lscr, _Out_ int *lback)');
  return {
    init(args) {
      const config = parse(null, psArgs(), args.length, args, 1);
      if (!config) throw new Error('pocketsphinx rejected its arguments');
      const decoder = init(config);
      freeConfig(config); // the decoder holds its own reference
      if (!decoder) throw new Error('pocketsphinx could not load its model');
      return decoder;
    },
    startUtt: (d) => start(d) as number,
    processRaw: (d, pcm) => processRaw(d, pcm, pcm.length, 0, 0) as number,
    hyp: (d) => getHyp(d, [0]) as string | null,
    endUtt: (d) => end(d) as number,
    confidence(d) {
      const lm = logmath(d);
      let sum = 0;
      let n = 0;
      for (let seg = segIter(d); seg; seg = segNext(seg)) {
        const word = segWord(seg) as string;
        if (FILLER.test(word)) continue;
        sum += exp(lm, segProb(seg, [0], [0], [0])) as number;
        n++;
      }
      return n > 0 ? sum / n : null;
    },
    free: (d) => void free(d),
  };
}

export class PocketSphinxEngine {
  private api: Api | null = null;
  private readonly idle: Ptr[] = [];
  private readonly modelDir: string;
  private availableCache: boolean | undefined;

  constructor(
    private readonly options: PocketSphinxOptions,
    private readonly log: AsrLogger,
  ) {
    this.modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  }

  private files() {
    return {
      hmm: path.join(this.modelDir, 'en-us'),
      lm: path.join(this.modelDir, 'en-us.lm.bin'),
      dict: path.join(this.modelDir, 'cmudict-en-us.dict'),
    };
  }

  /** The library loads and the model files exist (checked once). */
  available(): boolean {
    if (this.availableCache === undefined) {
      try {
        const f = this.files();
        const missing = Object.values(f).filter((p) => !existsSync(p));
        if (missing.length > 0) throw new Error(`model files missing: ${missing.join(', ')}`);
        this.api = bind(this.options);
        this.availableCache = true;
      } catch (err) {
        this.log.info({ err: (err as Error).message }, 'pocketsphinx is not available');
        this.availableCache = false;
      }
    }
    return this.availableCache;
  }

  private decoder(): Ptr {
    const reused = this.idle.pop();
    if (reused) return reused;
    const f = this.files();
    return this.api!.init(['-hmm', f.hmm, '-lm', f.lm, '-dict', f.dict, '-logfn', '/dev/null', ...DEFAULT_ARGS, ...(this.options.args ?? [])]);
  }

  /** A recogniser with its own decoder. Hotwords are not used: the n-gram model has no cheap biasing. */
  create(): Recogniser {
    if (!this.available()) throw new Error('pocketsphinx is not available');
    const api = this.api!;
    let decoder: Ptr | null = this.decoder();
    let inUtterance = false;
    const check = (rc: number, what: string) => {
      if (rc < 0) throw new Error(`pocketsphinx ${what} failed (${rc})`);
    };
    const live = () => {
      if (!decoder) throw new Error('recogniser released');
      return decoder;
    };
    return {
      begin() {
        const d = live();
        if (inUtterance) api.endUtt(d);
        check(api.startUtt(d), 'ps_start_utt');
        inUtterance = true;
      },
      accept(pcm) {
        check(api.processRaw(live(), pcm), 'ps_process_raw');
      },
      partial() {
        return api.hyp(live()) ?? '';
      },
      finish(): RecognitionResult {
        const d = live();
        check(api.endUtt(d), 'ps_end_utt');
        inUtterance = false;
        const text = api.hyp(d) ?? '';
        return { text, confidence: text ? api.confidence(d) : null };
      },
      release: () => {
        const d = decoder;
        decoder = null;
        if (!d) return;
        if (inUtterance) api.endUtt(d);
        if (this.idle.length < (this.options.keepIdle ?? 2)) this.idle.push(d);
        else api.free(d);
      },
    };
  }

  close(): void {
    for (const d of this.idle.splice(0)) this.api?.free(d);
  }
}
