import type { Metadata } from "next";
import { CronsList } from "@/components/crons/crons-list.tsx";

export const metadata: Metadata = { title: "Crons · LangGraph Run Server" };

export default function CronsPage() {
  return (
    <>
      <h1>Crons</h1>
      <CronsList />
    </>
  );
}
