/**
 * Installs a sherpa-onnx streaming speech recognition model for the transcript:
 *
 *   npm run asr:install -- <archive.tar.bz2|folder|URL> [--sha256 HEX] [--name NAME] [--languages zh,en] [--no-probe]
 *
 * Copies the model into <DATA_DIR>/asr/models/<name>/ and records it (first) in
 * <DATA_DIR>/asr/config.json; the server picks it up at its next start. See docs/ASR.md.
 */
import { loadConfig } from '../config.js';
import { installModel } from '../features/transcript/asr/install.js';
import type { AsrLanguage } from '../features/transcript/asr/types.js';

const USAGE = 'usage: asr:install <archive.tar.bz2|archive.tar.gz|folder|http(s) URL> [--sha256 HEX] [--name NAME] [--languages zh,en] [--no-probe]';

function parseArgs(argv: string[]) {
  const out: { source?: string; sha256?: string; name?: string; languages?: AsrLanguage[]; probe: boolean } = { probe: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sha256') out.sha256 = value();
    else if (a === '--name') out.name = value();
    else if (a === '--languages') {
      const langs = value()
        .split(',')
        .map((l) => l.trim());
      if (!langs.every((l) => l === 'zh' || l === 'en')) throw new Error('--languages takes zh, en or zh,en');
      out.languages = langs;
    } else if (a === '--no-probe') out.probe = false;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (out.source === undefined) out.source = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!out.source) throw new Error(USAGE);
  if (out.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(out.sha256)) throw new Error('--sha256 takes 64 hex digits');
  return out;
}

try {
  const args = parseArgs(process.argv.slice(2));
  const { dataDir } = loadConfig(process.env);
  await installModel({
    source: args.source!,
    dataDir,
    probe: args.probe,
    print: (line) => console.log(line),
    ...(args.sha256 !== undefined && { sha256: args.sha256 }),
    ...(args.name !== undefined && { name: args.name }),
    ...(args.languages !== undefined && { languages: args.languages }),
  });
} catch (err) {
  console.error(`asr:install: ${(err as Error).message}`);
  process.exitCode = 1;
}
