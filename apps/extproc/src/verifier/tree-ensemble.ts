import { z } from 'zod';

/**
 * One regression tree as flat arrays: node i splits on `feature[i]` at `threshold[i]` (x < threshold goes to
 * `left[i]`, else `right[i]`); a node with feature -1 is a leaf holding `value[i]`. Flat arrays keep the model
 * file small and a walk free of allocation.
 */
export const TreeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  left: z.array(z.number().int().min(0)),
  right: z.array(z.number().int().min(0)),
  value: z.array(z.number()),
}).refine((t) => [t.threshold, t.left, t.right, t.value].every((a) => a.length === t.feature.length) && t.feature.length > 0,
  'a tree needs one threshold, left, right and value per node');
export type Tree = z.infer<typeof TreeSchema>;

export const TreeEnsembleSchema = z.object({
  /** The log-odds every tree's leaf value is added to. */
  base: z.number(),
  trees: z.array(TreeSchema).min(1),
});
export type TreeEnsemble = z.infer<typeof TreeEnsembleSchema>;

/** Checks that every split reads a feature the vector has and every child index is in its tree. */
export function checkEnsemble(model: TreeEnsemble, featureCount: number): void {
  model.trees.forEach((t, k) => {
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! < 0) continue;
      if (t.feature[i]! >= featureCount) throw new Error(`tree ${k}: node ${i} reads feature ${t.feature[i]} of ${featureCount}`);
      if (t.left[i]! >= t.feature.length || t.right[i]! >= t.feature.length || t.left[i]! <= i || t.right[i]! <= i) {
        throw new Error(`tree ${k}: node ${i} has a child outside the tree`);
      }
    }
  });
}

/** The ensemble's log-odds for one feature vector; children always follow their parent, so a walk ends. */
export function ensembleLogit(model: TreeEnsemble, x: Float64Array): number {
  let z = model.base;
  for (const t of model.trees) {
    let i = 0;
    while (t.feature[i]! >= 0) i = x[t.feature[i]!]! < t.threshold[i]! ? t.left[i]! : t.right[i]!;
    z += t.value[i]!;
  }
  return z;
}
