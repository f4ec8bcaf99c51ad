import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FLOAT, INT64, onnxModel } from './onnx.js';

/**
 * Writes a tiny streaming transducer in the layout sherpa-onnx expects from an icefall
 * LSTM transducer export (encoder/decoder/joiner .onnx with their metadata, plus
 * tokens.txt). It recognises nothing: the encoder averages each fbank frame (loudness),
 * the decoder returns the last token, and the joiner emits token 'x' when a voiced stretch
 * starts and '|' when it ends. So each stretch of speech comes out as "x|". It exercises
 * sherpa-onnx's real model loading, feature extraction, chunking and decoding.
 *
 * Files are a few hundred bytes each.
 */
export function writeTinyTransducer(
  dir: string,
  options: { voicedThreshold?: number } = {},
): { encoder: string; decoder: string; joiner: string; tokens: string } {
  mkdirSync(dir, { recursive: true });
  const theta = options.voicedThreshold ?? -6;
  const chunk = 16;

  const encoder = onnxModel({
    name: 'tiny_encoder',
    inputs: [
      { name: 'x', type: FLOAT, shape: ['N', 'T', 80] },
      { name: 'h', type: FLOAT, shape: [1, 'N', 1] },
      { name: 'c', type: FLOAT, shape: [1, 'N', 1] },
    ],
    outputs: [
      { name: 'encoder_out', type: FLOAT, shape: ['N', 'T', 1] },
      { name: 'next_h', type: FLOAT, shape: [1, 'N', 1] },
      { name: 'next_c', type: FLOAT, shape: [1, 'N', 1] },
    ],
    nodes: [
      {
        op: 'ReduceMean',
        inputs: ['x'],
        outputs: ['encoder_out'],
        attributes: [
          { name: 'axes', ints: [2] },
          { name: 'keepdims', int: 1 },
        ],
      },
      { op: 'Identity', inputs: ['h'], outputs: ['next_h'] },
      { op: 'Identity', inputs: ['c'], outputs: ['next_c'] },
    ],
    metadata: { model_type: 'lstm', num_encoder_layers: 1, T: chunk, decode_chunk_len: chunk, rnn_hidden_size: 1, d_model: 1 },
  });

  const decoder = onnxModel({
    name: 'tiny_decoder',
    inputs: [{ name: 'y', type: INT64, shape: ['N', 1] }],
    outputs: [{ name: 'decoder_out', type: FLOAT, shape: ['N', 1] }],
    nodes: [{ op: 'Cast', inputs: ['y'], outputs: ['decoder_out'], attributes: [{ name: 'to', int: FLOAT }] }],
    metadata: { vocab_size: 3, context_size: 1 },
  });

  // voiced = enc - theta; free = K * ((dec - 1)^2 - 0.5): positive unless the last token was 'x'.
  // logit = [0, min(voiced, free), min(-voiced, -free)].
  const scalar = (name: string, value: number) => ({ name, type: FLOAT as typeof FLOAT, dims: [1], values: [value] });
  const joiner = onnxModel({
    name: 'tiny_joiner',
    inputs: [
      { name: 'encoder_out', type: FLOAT, shape: ['N', 1] },
      { name: 'decoder_out', type: FLOAT, shape: ['N', 1] },
    ],
    outputs: [{ name: 'logit', type: FLOAT, shape: ['N', 3] }],
    initializers: [scalar('theta', theta), scalar('one', 1), scalar('half', 0.5), scalar('k', 100), scalar('zero', 0)],
    nodes: [
      { op: 'Sub', inputs: ['encoder_out', 'theta'], outputs: ['voiced'] },
      { op: 'Sub', inputs: ['decoder_out', 'one'], outputs: ['d1'] },
      { op: 'Mul', inputs: ['d1', 'd1'], outputs: ['d1sq'] },
      { op: 'Sub', inputs: ['d1sq', 'half'], outputs: ['free0'] },
      { op: 'Mul', inputs: ['free0', 'k'], outputs: ['free'] },
      { op: 'Min', inputs: ['voiced', 'free'], outputs: ['start'] },
      { op: 'Neg', inputs: ['voiced'], outputs: ['unvoiced'] },
      { op: 'Neg', inputs: ['free'], outputs: ['busy'] },
      { op: 'Min', inputs: ['unvoiced', 'busy'], outputs: ['stop'] },
      { op: 'Mul', inputs: ['encoder_out', 'zero'], outputs: ['blank'] },
      { op: 'Concat', inputs: ['blank', 'start', 'stop'], outputs: ['logit'], attributes: [{ name: 'axis', int: 1 }] },
    ],
  });

  const files = {
    encoder: path.join(dir, 'encoder-tiny.onnx'),
    decoder: path.join(dir, 'decoder-tiny.onnx'),
    joiner: path.join(dir, 'joiner-tiny.onnx'),
    tokens: path.join(dir, 'tokens.txt'),
  };
  writeFileSync(files.encoder, encoder);
  writeFileSync(files.decoder, decoder);
  writeFileSync(files.joiner, joiner);
  writeFileSync(files.tokens, '<blk> 0\nx 1\n| 2\n');
  return files;
}
