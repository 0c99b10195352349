/**
 * Imported first by server.ts, so that every module after it (Next.js, and
 * better-auth, which turns its sign-in rate limit on only in production) loads
 * with the right NODE_ENV: ES imports run in order, before server.ts's own code.
 */
export const dev = process.argv.includes("--dev");
// `npm start` must serve the production build whatever the shell says.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
process.env["NEXT_TELEMETRY_DISABLED"] ??= "1";
