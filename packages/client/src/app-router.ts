/**
 * The API's type as outside apps receive it. Only the type of this module is used
 * (its declarations are built into dist/): nothing imports it at run time.
 *
 * The server's `AppRouter` names the server's own types: its request context (the
 * runtime and auth services, and through them the whole server) and the records its
 * procedures answer. An outside app has none of them. So the router is rebuilt here
 * from the constants below, typed by inference through `Plain`, which spells every
 * input and output out as plain object types: their emitted declarations name nothing
 * but @trpc/server and this package's `JsonValue`.
 */
import type { AppRouter as ServerRouter } from "@lgrs/api";
import type { AnyProcedure, TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure, TRPCSubscriptionProcedure } from "@trpc/server";
import type { JsonValue } from "./json.ts";

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/**
 * `T` with every named type it uses written out. A type that takes every JSON value
 * (the database's JSON columns) becomes `JsonValue`, whose recursion cannot be
 * written out; `unknown` stays `unknown`. Unions and objects are built anew from their
 * members, so that nothing is identical to a server type: the compiler would write
 * that type's name (`RunStatus`) instead of the type.
 */
type Plain<T> = unknown extends T
  ? T
  : [string | number | boolean | null] extends [T]
    ? JsonValue
    : { [K in Extract<T, string>]: K }[Extract<T, string>] | PlainMember<Exclude<T, string>>;

type PlainMember<U> = U extends Primitive | Date
  ? U
  : U extends AsyncIterable<infer Y, infer R, infer N>
    ? AsyncIterable<Plain<Y>, Plain<R>, N>
    : U extends readonly unknown[]
      ? number extends U["length"]
        ? U extends unknown[]
          ? Plain<U[number]>[]
          : readonly Plain<U[number]>[]
        : { [K in keyof U]: Plain<U[K]> }
      : U extends object
        ? { [K in Exclude<keyof U, OptionalKeys<U>>]: Plain<U[K]> } & { [K in OptionalKeys<U>]?: Plain<U[K]> } extends infer O
          ? { [K in keyof O]: O[K] }
          : never
        : U;

/** The keys of `U` whose property may be left out (`Record<never, never>` is the empty object type). */
type OptionalKeys<U> = { [K in keyof U]-?: Record<never, never> extends Pick<U, K> ? K : never }[keyof U];

type ServerTypes = ServerRouter["_def"]["_config"]["$types"];

/** A procedure as the client sees it: its kind, input and output, nothing of the server. */
type ClientProcedure<P> = P extends AnyProcedure
  ? P["_def"]["type"] extends "query"
    ? TRPCQueryProcedure<{ input: Plain<P["_def"]["$types"]["input"]>; output: Plain<P["_def"]["$types"]["output"]>; meta: object }>
    : P["_def"]["type"] extends "mutation"
      ? TRPCMutationProcedure<{ input: Plain<P["_def"]["$types"]["input"]>; output: Plain<P["_def"]["$types"]["output"]>; meta: object }>
      : TRPCSubscriptionProcedure<{
          input: Plain<P["_def"]["$types"]["input"]>;
          output: Plain<P["_def"]["$types"]["output"]>;
          meta: object;
        }>
  : never;

declare const server: ServerRouter;
declare function procedures<R>(record: R): { [K in keyof R]: ClientProcedure<R[K]> };
declare function plain<T>(value: T): Plain<T>;

// one constant per router, so that no declaration grows past what the compiler writes out
const account = procedures(server._def.record.account);
const assistants = procedures(server._def.record.assistants);
const crons = procedures(server._def.record.crons);
const feedback = procedures(server._def.record.feedback);
const runs = procedures(server._def.record.runs);
const testing = procedures(server._def.record.testing);
const threads = procedures(server._def.record.threads);
const usage = procedures(server._def.record.usage);
const errorShape = plain(null as unknown as ServerTypes["errorShape"]);

/** What `createTRPCClient<AppRouter>` needs of the server's router: every procedure, typed. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: typeof errorShape; transformer: true },
  {
    account: typeof account;
    assistants: typeof assistants;
    crons: typeof crons;
    feedback: typeof feedback;
    runs: typeof runs;
    testing: typeof testing;
    threads: typeof threads;
    usage: typeof usage;
  }
>;
