/**
 * A minimal ONNX writer: just enough of the protobuf wire format to describe a small graph
 * (nodes, float/int64 initialisers, typed inputs/outputs and metadata), so that tests can
 * generate a real model file for sherpa-onnx's loading and streaming code without shipping
 * weights. Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto, …).
 */

// ---- protobuf wire format ----------------------------------------------------------------

class Writer {
  private readonly parts: Buffer[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.parts.push(Buffer.from(value));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// ---- ONNX model description --------------------------------------------------------------

export const FLOAT = 1;
export const INT64 = 7;
export type ElemType = typeof FLOAT | typeof INT64;

/** A dimension: a fixed size or a symbolic name (e.g. 'N', 'T'). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: Dim[];
}

export type Attribute = { name: string; int: number } | { name: string; ints: number[] } | { name: string; float: number };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
}

export interface Initializer {
  name: string;
  type: ElemType;
  dims: number[];
  values: number[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
  /** Written as ModelProto.metadata_props: sherpa-onnx reads its settings from here. */
  metadata?: Record<string, string | number>;
  opset?: number;
}

function writeValueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeAttribute(w: Writer, a: Attribute): void {
  w.string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, 2);
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  }
}

function writeTensor(w: Writer, t: Initializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  w.string(8, t.name);
  const raw = t.type === FLOAT ? Buffer.alloc(4 * t.values.length) : Buffer.alloc(8 * t.values.length);
  t.values.forEach((v, i) => (t.type === FLOAT ? raw.writeFloatLE(v, 4 * i) : raw.writeBigInt64LE(BigInt(v), 8 * i)));
  w.bytes(9, raw);
}

/** Serialises a graph as an ONNX ModelProto (IR version 8, default opset 13). */
export function onnxModel(g: Graph): Buffer {
  const m = new Writer();
  m.int(1, 8); // ir_version
  m.string(2, 'consult-tests');
  m.message(7, (graph) => {
    g.nodes.forEach((n, i) =>
      graph.message(1, (node) => {
        for (const input of n.inputs) node.string(1, input);
        for (const output of n.outputs) node.string(2, output);
        node.string(3, `${n.op.toLowerCase()}_${i}`);
        node.string(4, n.op);
        for (const a of n.attributes ?? []) node.message(5, (attr) => writeAttribute(attr, a));
      }),
    );
    graph.string(2, g.name);
    for (const t of g.initializers ?? []) graph.message(5, (tensor) => writeTensor(tensor, t));
    for (const v of g.inputs) graph.message(11, (info) => writeValueInfo(info, v));
    for (const v of g.outputs) graph.message(12, (info) => writeValueInfo(info, v));
  });
  m.message(8, (opset) => opset.string(1, '').int(2, g.opset ?? 13));
  for (const [key, value] of Object.entries(g.metadata ?? {})) m.message(14, (kv) => kv.string(1, key).string(2, String(value)));
  return m.finish();
}
