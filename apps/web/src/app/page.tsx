import { redirect } from "next/navigation";

export const dynamic = "force-dynamic";

/** The dashboard starts at the runs table (signed-out visitors are sent on to sign in). */
export default function HomePage() {
  redirect("/runs");
}
