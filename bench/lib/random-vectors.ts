/** mulberry32: a small seeded generator, so that every run measures the same vectors. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
