import type { AsrLanguage, EngineDescription } from './types.js';

/** What is usable on this machine, as seen by the transcriber. */
export interface Availability {
  /** sherpa-onnx models that are installed, complete and not known to be broken, in config order. */
  sherpaModels: { name: string; languages: readonly AsrLanguage[] }[];
  /** libpocketsphinx.so.3 loads and the Debian en-us model is there. */
  pocketsphinx: boolean;
}

export const POCKETSPHINX_MODEL = 'cmusphinx en-us';

export type Choice =
  { engine: 'sherpa-onnx'; model: string } | { engine: 'pocketsphinx'; model: typeof POCKETSPHINX_MODEL } | { engine: 'segments'; model: null };

/**
 * The engine for a language: an installed sherpa-onnx model that covers it, else
 * pocketsphinx for English, else segments only (speech is cut, the clerk types the text).
 */
export function chooseEngine(language: AsrLanguage, available: Availability): Choice {
  const model = available.sherpaModels.find((m) => m.languages.includes(language));
  if (model) return { engine: 'sherpa-onnx', model: model.name };
  if (language === 'en' && available.pocketsphinx) return { engine: 'pocketsphinx', model: POCKETSPHINX_MODEL };
  return { engine: 'segments', model: null };
}

export function describeChoice(choice: Choice): EngineDescription {
  return { engine: choice.engine, model: choice.model, recognises: choice.engine !== 'segments' };
}
