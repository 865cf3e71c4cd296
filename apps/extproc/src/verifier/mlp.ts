import { z } from 'zod';

/**
 * A one-hidden-layer perceptron over standardised inputs: ReLU units, one logit out. `hidden` is row-major,
 * one row of `inputs` weights per unit. Flat arrays keep the file small and a forward pass free of allocation
 * but the one scratch row.
 */
export const MlpSchema = z.object({
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  hidden: z.array(z.number()),
  hiddenBias: z.array(z.number()),
  out: z.array(z.number()),
  outBias: z.number(),
});
export type Mlp = z.infer<typeof MlpSchema>;

/** Checks the shapes against the input length the features give. */
export function checkMlp(m: Mlp, inputs: number): void {
  const units = m.hiddenBias.length;
  if (m.mean.length !== inputs || m.scale.length !== inputs) throw new Error(`mlp: expected ${inputs} means and scales, got ${m.mean.length}`);
  if (units === 0 || m.out.length !== units || m.hidden.length !== units * inputs) {
    throw new Error(`mlp: expected ${units} x ${inputs} hidden weights and ${units} output weights`);
  }
}

/** The log-odds for one input vector; `scratch` holds the standardised input, so a call allocates nothing. */
export function mlpLogit(m: Mlp, x: Float64Array, scratch: Float64Array = new Float64Array(x.length)): number {
  const d = x.length;
  for (let j = 0; j < d; j++) scratch[j] = (x[j]! - m.mean[j]!) / m.scale[j]!;
  let z = m.outBias;
  for (let h = 0, row = 0; h < m.out.length; h++, row += d) {
    let a = m.hiddenBias[h]!;
    for (let j = 0; j < d; j++) a += m.hidden[row + j]! * scratch[j]!;
    if (a > 0) z += m.out[h]! * a;
  }
  return z;
}
