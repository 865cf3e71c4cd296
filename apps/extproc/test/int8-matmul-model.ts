import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const K = 64;
const N = 8;
const ZERO_POINT = 3;

/**
 * One MatMulInteger of uint8 activations at 255 by int8 weights at 127 and -128: every pair of products
 * (2 x 255 x 127 = 64,770) is past what VPMADDUBSW holds in 16 bits. Returns the graph, its input and the exact product.
 */
export function saturatingMatMul(): { model: Uint8Array; input: Uint8Array; weights: Int8Array; dims: number[]; exact: number[] } {
  const weights = Int8Array.from({ length: K * N }, (_, i) => (i % 3 === 0 ? -128 : 127));
  const input = new Uint8Array(K).fill(255);
  const tensor = (name: string, elemType: number, dims: number[]) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } });
  const model = onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'saturating-matmul',
      node: [{ opType: 'MatMulInteger', input: ['a', 'b', '', 'b_zero_point'], output: ['y'] }],
      initializer: [
        { name: 'b', dataType: T.INT8, dims: [K, N], rawData: new Uint8Array(weights.buffer) },
        { name: 'b_zero_point', dataType: T.INT8, dims: [], rawData: Uint8Array.of(ZERO_POINT) },
      ],
      input: [tensor('a', T.UINT8, [1, K])],
      output: [tensor('y', T.INT32, [1, N])],
    },
  })).finish();
  const exact = Array.from({ length: N }, (_, n) => {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += input[k]! * (weights[k * N + n]! - ZERO_POINT);
    return sum;
  });
  return { model, input, weights, dims: [1, K], exact };
}
