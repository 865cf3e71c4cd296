import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;
type Tensor = onnxProto.onnx.ITensorProto;
const { INT8, UINT8 } = onnx.TensorProto.DataType;

/** MatMulInteger's inputs: A, B, a_zero_point, b_zero_point. */
const WEIGHT = 1;
const WEIGHT_ZERO_POINT = 3;

/**
 * Why a graph with signed int8 weights is refused: onnxruntime multiplies uint8 activations by int8 weights with
 * VPMADDUBSW on x86 CPUs without AVX-512 VNNI (AVX2-only EPYC and Xeon), which saturates a pair of products at
 * 16 bits. The NLI model scored a negation 0.657 there against 0.008 on a VNNI CPU. uint8 weights take a kernel
 * that widens to 16 bits first and is exact everywhere.
 */
const SIGNED_WEIGHTS_WHY = 'int8 matrix products with signed weights saturate on x86 CPUs without AVX-512 VNNI';

function* graphs(g: Graph): Generator<Graph> {
  yield g;
  for (const node of g.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (a.g) yield* graphs(a.g);
      for (const sub of a.graphs ?? []) yield* graphs(sub);
    }
  }
}

function int8Values(t: Tensor): Int8Array {
  const values = t.rawData && t.rawData.length > 0
    ? new Int8Array(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength)
    : Int8Array.from(t.int32Data ?? []);
  const size = (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  // Data kept in an external file is not in the message: converting it would write an empty tensor.
  if (values.length !== size) throw new Error(`${t.name}: ${values.length} int8 values stored for ${size} elements`);
  return values;
}

/** The same integers shifted by 128, so that B - zero_point, all MatMulInteger uses, is unchanged. */
function shifted(t: Tensor): Tensor {
  const values = int8Values(t);
  const raw = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) raw[i] = values[i]! + 128;
  return { name: t.name, dims: t.dims, dataType: UINT8, rawData: raw };
}

/** The names of signed int8 initializers that MatMulInteger nodes take as weights or their zero points. */
function signedWeightNames(model: onnxProto.onnx.IModelProto): Set<string> {
  const names = new Set<string>();
  for (const g of model.graph ? graphs(model.graph) : []) {
    const signed = new Set((g.initializer ?? []).filter((t) => t.dataType === INT8).map((t) => t.name!));
    for (const node of g.node ?? []) {
      if (node.opType !== 'MatMulInteger' || (node.domain ?? '') !== '') continue;
      for (const i of [WEIGHT, WEIGHT_ZERO_POINT]) if (node.input?.[i] && signed.has(node.input[i])) names.add(node.input[i]);
    }
  }
  return names;
}

/** How many MatMulInteger weights of the ONNX model are stored as signed int8 (0: it runs the same on every CPU). */
export function countSignedInt8Weights(bytes: Uint8Array): number {
  return signedWeightNames(onnx.ModelProto.decode(bytes)).size;
}

/**
 * The model with every MatMulInteger weight and weight zero point moved from int8 to uint8 (both + 128): the
 * integer products, and so every output, are the same on CPUs where the signed form is exact, and become exact
 * on those where it is not. A weight a MatMulInteger node takes without a zero point gets one of 128. Other
 * consumers of a converted initializer keep the signed original under its own name.
 */
export function unsignInt8Weights(bytes: Uint8Array): { bytes: Uint8Array; converted: number } {
  const model = onnx.ModelProto.decode(bytes);
  const names = signedWeightNames(model);
  if (names.size === 0) return { bytes, converted: 0 };
  const converted = new Set<string>();
  for (const g of graphs(model.graph!)) {
    const initializers = g.initializer ?? [];
    const byName = new Map(initializers.map((t) => [t.name!, t]));
    const added = new Map<string, Tensor>();
    const unsigned = (name: string): string => {
      const u8 = `${name}_u8`;
      converted.add(name);
      if (!added.has(u8)) added.set(u8, { ...shifted(byName.get(name)!), name: u8 });
      return u8;
    };
    for (const node of g.node ?? []) {
      if (node.opType !== 'MatMulInteger' || (node.domain ?? '') !== '') continue;
      const inputs = node.input!;
      const weight = inputs[WEIGHT]!;
      const zeroPoint = inputs[WEIGHT_ZERO_POINT];
      const local = (name: string) => names.has(name) && byName.has(name);
      if (!local(weight) || (zeroPoint && !local(zeroPoint))) continue;
      inputs[WEIGHT] = unsigned(weight);
      if (zeroPoint) {
        inputs[WEIGHT_ZERO_POINT] = unsigned(zeroPoint);
      } else {
        const name = `${weight}_zero_point_u8`;
        added.set(name, { name, dims: [], dataType: UINT8, rawData: Uint8Array.of(128) });
        while (inputs.length < WEIGHT_ZERO_POINT) inputs.push('');
        inputs[WEIGHT_ZERO_POINT] = name;
      }
    }
    const stillUsed = new Set<string>();
    for (const sub of graphs(g)) for (const node of sub.node ?? []) for (const i of node.input ?? []) stillUsed.add(i);
    for (const o of g.output ?? []) stillUsed.add(o.name!);
    g.initializer = [...initializers.filter((t) => !names.has(t.name!) || stillUsed.has(t.name!)), ...added.values()];
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), converted: converted.size };
}

/** Refuses a model file with signed int8 MatMulInteger weights, naming the command that converts it. */
export function assertUnsignedInt8Weights(file: string, label: string): void {
  let signed: number;
  try {
    signed = countSignedInt8Weights(readFileSync(file));
  } catch (err) {
    throw new Error(`${label}: cannot load model from ${file}: not an ONNX graph (${(err as Error).message})`, { cause: err });
  }
  if (signed > 0) {
    throw new Error(`${label}: ${file} has ${signed} signed int8 weight tensors (${SIGNED_WEIGHTS_WHY}); `
      + `convert it exactly with: npm run model:unsign -- ${file}`);
  }
}
