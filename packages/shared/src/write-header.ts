/**
 * A request header no HTML form can send: every change to the admin API needs it or a JSON body (CSRF).
 * A script that sets it triggers a CORS preflight, which the API never grants. Its own module, so that the
 * dashboard imports it without the zod schemas.
 */
export const WRITE_HEADER = 'x-requested-by';
