/** The wire dialect a client speaks; decides error shapes and stream framing on the way back. */
export type ClientDialect = 'openai' | 'anthropic';
