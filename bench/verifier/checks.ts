import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { PairClassifier, type PairModel } from '../../apps/extproc/src/verifier/pair-classifier.ts';

/** Scored into the model file; pair-classifier.test.ts re-scores them with the build's code and the real embedder. */
const CHECK_PAIRS: readonly [query: string, candidate: string][] = [
  ['Kubernetes what is it anyway', 'What is Kubernetes'],
  ['How can I lose weight fast?', 'How do I lose weight fast?'],
  ['What is the best way to learn guitar?', 'How should I learn guitar?'],
  ['What causes diabetes?', 'What is diabetes?'],
  ['Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?'],
  ['Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?'],
];

/** The model's score of each check pair, with the embedder's vectors, as the engine would ask. */
export async function checkScores(model: PairModel, embedder: Embedder): Promise<NonNullable<PairModel['checks']>> {
  const classifier = new PairClassifier(model, { ownSimilarity: true });
  const vectors = await embedder.embed(CHECK_PAIRS.flat());
  return CHECK_PAIRS.map(([query, candidate], i) => {
    const [queryVector, candidateVector] = [vectors[2 * i]!, vectors[2 * i + 1]!];
    const similarity = queryVector.reduce((sum, x, j) => sum + x * candidateVector[j]!, 0);
    return { query, candidate, score: Number(classifier.score({ query, candidate, similarity, queryVector, candidateVector }).toPrecision(6)) };
  });
}
