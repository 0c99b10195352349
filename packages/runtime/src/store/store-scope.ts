/**
 * Who may reach which namespaces through the API: `shared` (the default, as on LangGraph
 * Platform) every caller all of them; `owner` a caller only those whose first label is its
 * own user id (admins all), the pattern LangGraph's store auth handlers enforce.
 */
export type StoreScope = "shared" | "owner";
