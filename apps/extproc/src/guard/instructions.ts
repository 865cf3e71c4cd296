/**
 * Requests about the form or truth of the answer ("answer in one word", "lie", "in JSON"). Each names a group:
 * a prompt with a group the other prompt lacks asks for a different output, whatever the shared words say.
 */
const FORMATS = String.raw`json|yaml|xml|csv|html|markdown|upper ?case|lower ?case|all caps|capitals|bullet points?|a bulleted list|a table|a poem|a haiku|a song|one word|a single word|one sentence|one line|\d+ words?`;
const LANGUAGES = 'french|spanish|german|italian|portuguese|chinese|japanese|korean|russian|arabic|hindi';
/** A clause that begins the text or follows a sentence end or comma: where an imperative stands. */
const CLAUSE = String.raw`(?:^|[.?!,;:]\s*)(?:please\s+|now\s+)?`;

const INSTRUCTION_GROUPS: readonly (readonly [string, RegExp])[] = [
  ['deceive', new RegExp(String.raw`${CLAUSE}(lie|joke|troll)\b|\b(lie to me|tell (me )?a lie|be sarcastic|sarcastically|jokingly)\b`)],
  ['falsehood', /\b(wrong|incorrect|false|fake|opposite|made[- ]up)\s+(answer|answers|information|facts?|response|city|one)\b|\b(answer|respond|reply|say)\s+(it\s+)?(wrong(ly)?|incorrectly|falsely)\b/],
  ['answer-form', new RegExp(String.raw`${CLAUSE}(answer|respond|reply)\s+(with|in|only|using|as|by)\b|\b(only|just)\s+(say|answer|respond|reply|output|return)\b`)],
  ['say', new RegExp(String.raw`${CLAUSE}say\b|\bsay\s+(only|just|nothing)\b`)],
  ['format', new RegExp(String.raw`\b(as|in)\s+(${FORMATS})(\s+format)?\s*[.!]?\s*$|\b(output|return|format|give|write|answer|respond|reply|print|list)\b[^.?!]{0,40}\b(as|in|into)\s+(${FORMATS})\b`)],
  ['override', /\b(ignore|disregard|forget)\s+(all\s+)?(the\s+|your\s+)?(previous|prior|above|earlier|system)?\s*(instructions?|rules|prompts?)\b|\bpretend (to be|you)\b|\brole-?play\b|\byou are now\b/],
  ['terse', /\b(no|without( any)?)\s+explanations?\b|\b(don't|do not)\s+explain\b|\bbe (brief|concise)\b/],
  ['translate', new RegExp(String.raw`\btranslate\b|\b(answer|respond|reply)\s+in\s+(${LANGUAGES})\b`)],
];

/**
 * Words that, as a whole sentence of their own after a question, turn it into an instruction ("...? lie.").
 * A trailing sentence of a few words with no question of its own is otherwise ordinary context.
 */
const TRAILING_IMPERATIVES = /^(say|answer|respond|reply|output|return|write|format|translate|pretend|ignore|act|use|make|keep|be|give|lie|joke|list|only|just|don't|do not|never|always)\b/;
const MAX_TRAILING_WORDS = 8;

/** The instruction groups a prompt carries, plus 'trailing' for an imperative after its question. */
export function instructionGroups(prompt: string): Set<string> {
  const text = prompt.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/g, "'");
  const out = new Set<string>();
  for (const [group, pattern] of INSTRUCTION_GROUPS) if (pattern.test(text)) out.add(group);
  const afterQuestion = text.lastIndexOf('?');
  if (afterQuestion >= 0) {
    const tail = text.slice(afterQuestion + 1).trim();
    const words = tail.split(/\s+/).filter(Boolean);
    if (words.length > 0 && words.length <= MAX_TRAILING_WORDS && TRAILING_IMPERATIVES.test(tail)) out.add('trailing');
  }
  return out;
}
