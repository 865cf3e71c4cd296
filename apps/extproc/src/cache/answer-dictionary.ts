/**
 * A preset dictionary for deflating cached answers (`packed-text.ts`): the envelopes the wires this cache serves
 * put around every answer, so that even a short answer's keys and fixed values cost a few bytes each. Deflate
 * finds the strings nearest the dictionary's end cheapest, so the most common wire, OpenAI chat, comes last.
 * Only the shapes are here, no text of any answer: the answers' own words are compressed by deflate alone.
 * The data directory keeps answers as held (format 2), so the snapshots hold answers deflated with it: another
 * dictionary needs a tag of its own in `packed-text.ts`, and this one kept to read them.
 */
const ENVELOPES = [
  '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[-0.0,0.0]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":0,"total_tokens":0}}',
  '{"id":"resp_","object":"response","created_at":,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"model":"",'
    + '"output":[{"type":"message","id":"msg_","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":""}]}],'
    + '"parallel_tool_calls":true,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},'
    + '"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":{"input_tokens":,"input_tokens_details":{"cached_tokens":0},'
    + '"output_tokens":,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":},"user":null,"metadata":{}}',
  '{"id":"msg_","type":"message","role":"assistant","model":"claude-","content":[{"type":"text","text":""}],"stop_reason":"end_turn",'
    + '"stop_sequence":null,"usage":{"input_tokens":,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":}}',
  '{"id":"cmpl-","object":"text_completion","created":,"model":"","choices":[{"index":0,"text":"","logprobs":null,"finish_reason":"length"}]}',
  '"tool_calls":[{"id":"call_","type":"function","function":{"name":"","arguments":"{\\""}}],"finish_reason":"tool_calls"',
  '{"id":"chatcmpl-","object":"chat.completion","created":,"model":"gpt-4o-mini-","choices":[{"index":0,"message":{"role":"assistant",'
    + '"content":"","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":,"completion_tokens":,'
    + '"total_tokens":,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,'
    + '"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_"}',
];

export const ANSWER_DICTIONARY: Buffer = Buffer.from(ENVELOPES.join(''), 'utf8');
