import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getRuntime } from "@/server/runtime.ts";

export interface Viewer {
  userId: string;
  email: string;
  name: string;
  role: "admin" | "user";
}

/** The signed-in operator, or null. */
export async function currentViewer(): Promise<Viewer | null> {
  const session = await getRuntime().auth.session(await headers());
  if (!session) return null;
  const { id, email, name, role } = session.user;
  return { userId: id, email, name, role: role === "admin" ? "admin" : "user" };
}

/** The signed-in operator; a signed-out visit goes to the sign-in page and comes back after. */
export async function requireViewer(path: string): Promise<Viewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
}
