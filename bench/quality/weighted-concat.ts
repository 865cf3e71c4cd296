import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';

/**
 * Concatenates unit vectors scaled by the square roots of `weights`, so the cosine of two results is the
 * weighted sum of the parts' cosines.
 */
export class WeightedConcatEmbedder implements Embedder {
  readonly identity: Embedder['identity'];
  readonly defaultThreshold: number;
  private readonly parts: readonly { readonly embedder: Embedder; readonly scale: number }[];

  constructor(parts: readonly { embedder: Embedder; weight: number }[], defaultThreshold = 0.8) {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    this.parts = parts.map((p) => ({ embedder: p.embedder, scale: Math.sqrt(p.weight / total) }));
    this.defaultThreshold = defaultThreshold;
    this.identity = {
      provider: 'bench',
      model: parts.map((p) => `${p.weight}*${p.embedder.identity.model}`).join('+'),
      version: '1',
      dimensions: parts.reduce((s, p) => s + p.embedder.identity.dimensions, 0),
    };
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const pieces = await Promise.all(this.parts.map((p) => p.embedder.embed(texts)));
    return texts.map((_, t) => {
      const out = new Float32Array(this.identity.dimensions);
      let offset = 0;
      this.parts.forEach((p, k) => {
        const v = pieces[k]![t]!;
        for (let i = 0; i < v.length; i++) out[offset + i] = v[i]! * p.scale;
        offset += v.length;
      });
      return out;
    });
  }
}
