// The server's seeded source (mulberry32), so that every run measures the same vectors.
export { seededRandom } from '../../apps/extproc/src/online/online-policy.ts';

/** Standard normal samples (Box-Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Scales v to unit length in place. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** A direction drawn uniformly from the unit sphere. */
export function randomUnit(dimensions: number, normal: () => number): Float32Array {
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) v[i] = normal();
  return normalize(v);
}

/** A unit vector at cosine similarity `similarity` to the unit vector `base`, in a random direction. */
export function nearby(base: Float32Array, similarity: number, normal: () => number): Float32Array {
  const noise = randomUnit(base.length, normal);
  let dot = 0;
  for (let i = 0; i < base.length; i++) dot += noise[i]! * base[i]!;
  // The part of the noise orthogonal to base, so the mix has exactly the requested angle.
  for (let i = 0; i < base.length; i++) noise[i] = noise[i]! - dot * base[i]!;
  normalize(noise);
  const s = Math.sqrt(1 - similarity * similarity);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = similarity * base[i]! + s * noise[i]!;
  return normalize(out);
}

/**
 * Unit vectors shaped like sentence embeddings: a mixture of topics in a low-dimensional latent space,
 * projected to `dimensions` with a fixed random basis, plus a little isotropic noise. Sentences on one topic
 * sit at cosine ~0.5, unrelated ones near 0, and the data has the low intrinsic dimension real embeddings
 * have (uniform random vectors have none, which makes them an approximate index's worst case).
 */
export function embeddingLike(dimensions: number, normal: () => number, opts = { latent: 32, topics: 1000, noise: 0.15 }): () => Float32Array {
  const basis = Array.from({ length: opts.latent }, () => Float32Array.from({ length: dimensions }, () => normal() / Math.sqrt(opts.latent)));
  const topics = Array.from({ length: opts.topics }, () => Float64Array.from({ length: opts.latent }, () => normal()));
  let next = 0;
  return () => {
    const topic = topics[Math.floor(Math.abs(normal()) * 1e6 + next++) % opts.topics]!;
    const v = new Float32Array(dimensions);
    for (let k = 0; k < opts.latent; k++) {
      const z = topic[k]! + normal();
      const row = basis[k]!;
      for (let i = 0; i < dimensions; i++) v[i] = v[i]! + z * row[i]!;
    }
    for (let i = 0; i < dimensions; i++) v[i] = v[i]! + opts.noise * normal();
    return normalize(v);
  };
}
