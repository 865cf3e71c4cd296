import { z } from 'zod';

/** One exploration's finding: at this similarity, the entry's answer was (or was not) the model's answer. */
export const ObservationSchema = z.object({
  similarity: z.number().min(-1).max(1),
  correct: z.boolean(),
  time: z.number(),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** An entry's learned decision boundary: the similarity above which its estimated error stays within the bound. */
export const EntryOnlineSchema = z.object({
  observations: z.array(ObservationSchema),
  /** Posterior mean of the boundary. */
  boundary: z.number(),
  /** The similarity from which the entry serves without exploring (the boundary's upper confidence bound). */
  servesFrom: z.number(),
});
export type EntryOnline = z.infer<typeof EntryOnlineSchema>;

/** A namespace's online verification since start-up (this replica). */
export const OnlineStatsSchema = z.object({
  /** Candidates the policy decided on (served, explored, or refused). */
  decisions: z.number().int(),
  /** Candidates served by the policy's decision. */
  served: z.number().int(),
  /** Would-be hits (at or above the static threshold) the policy would serve, sent to the model to check them: capped. */
  explored: z.number().int(),
  /** Share of would-be hits explored. */
  exploredShare: z.number(),
  /** Would-be hits the learned boundary (or the learning) does not let the entry serve: checked, as they go to the model anyway. */
  refused: z.number().int(),
  /** Explorations the cap refused; the point estimate decided instead. */
  capped: z.number().int(),
  /** Answers compared with the candidate's, and how many differed. */
  observations: z.number().int(),
  observedWrong: z.number().int(),
  /** Share of compared answers that differed. */
  observedErrorRate: z.number(),
  /** Mean estimated error of the answers served by the policy. */
  estimatedErrorRate: z.number(),
});
export type OnlineStats = z.infer<typeof OnlineStatsSchema>;
