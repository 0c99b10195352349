"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { ApiError } from "./api-error.tsx";
import { JsonField } from "./json-field.tsx";
import { assistantLabel, sortAssistants } from "@/components/list-filters/assistant-names.ts";
import { messageInput, parseInput, parseObjectField, parseThreadId, type InputMode } from "./run-input.ts";
import styles from "./new-run.module.css";

interface Props {
  /** preselected assistant (id or graph id), e.g. from ?assistant= */
  assistant?: string;
  /** preselected existing thread, e.g. from ?threadId= */
  threadId?: string;
}

type Failure = { title: string; error: unknown };

/** What the run does when its thread already has one in flight; the server's default is reject. */
const STRATEGIES = [
  { value: "reject", label: "reject: refuse this run" },
  { value: "enqueue", label: "enqueue: wait in line" },
  { value: "interrupt", label: "interrupt: stop the other, keep its work" },
  { value: "rollback", label: "rollback: stop the other, undo it" },
] as const;
type Strategy = (typeof STRATEGIES)[number]["value"];

/** Pick an assistant, write the input, choose the thread, start: then off to the run's page. */
export function NewRunForm({ assistant, threadId: presetThread }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));
  const recentThreads = useQuery(trpc.threads.list.queryOptions({ limit: 20 }));
  const createThread = useMutation(trpc.threads.create.mutationOptions());
  const deleteThread = useMutation(trpc.threads.delete.mutationOptions());
  const createRun = useMutation(trpc.runs.create.mutationOptions());

  const [chosen, setChosen] = useState<string | null>(null);
  const [mode, setMode] = useState<InputMode>("message");
  const [message, setMessage] = useState("");
  const [json, setJson] = useState("");
  const [inputError, setInputError] = useState<string | null>(null);
  const [threadMode, setThreadMode] = useState<"new" | "existing">(presetThread ? "existing" : "new");
  const [threadId, setThreadId] = useState(presetThread ?? "");
  const [threadError, setThreadError] = useState<string | null>(null);
  const [config, setConfig] = useState("");
  const [configError, setConfigError] = useState<string | null>(null);
  const [metadata, setMetadata] = useState("");
  const [metadataError, setMetadataError] = useState<string | null>(null);
  const [strategy, setStrategy] = useState<Strategy>("reject");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const threadRef = useRef<HTMLInputElement>(null);
  const configRef = useRef<HTMLTextAreaElement>(null);
  const metadataRef = useRef<HTMLTextAreaElement>(null);

  if (assistants.error) return <ErrorState error={assistants.error} retry={() => void assistants.refetch()} />;
  if (!assistants.data) return <Loading what="assistants" />;
  // graphs' default assistants first, then the others by name
  const list = sortAssistants(assistants.data.items);
  if (list.length === 0) {
    return <EmptyState title="No assistants yet">The server makes one for each graph it loads; check its graph configuration.</EmptyState>;
  }
  // the asked-for assistant, else the chat agent, else the first
  const selectedId =
    chosen ?? (list.find((a) => a.id === assistant || a.graphId === assistant) ?? list.find((a) => a.graphId === "agent") ?? list[0]!).id;
  const selected = list.find((a) => a.id === selectedId);

  function switchMode(next: InputMode) {
    setMode(next);
    setInputError(null);
    // start the JSON from what the message would have sent
    if (next === "json" && !json.trim()) setJson(JSON.stringify(messageInput(message), null, 2));
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFailure(null);
    const input = parseInput(mode, message, json);
    setInputError(input.ok ? null : input.error);
    const thread = threadMode === "existing" ? parseThreadId(threadId) : null;
    setThreadError(thread && !thread.ok ? thread.error : null);
    const runConfig = parseObjectField("Config", config);
    setConfigError(runConfig.ok ? null : runConfig.error);
    const runMetadata = parseObjectField("Metadata", metadata);
    setMetadataError(runMetadata.ok ? null : runMetadata.error);
    if (!input.ok) return inputRef.current?.focus();
    if (thread && !thread.ok) return threadRef.current?.focus();
    if (!runConfig.ok) return configRef.current?.focus();
    if (!runMetadata.ok) return metadataRef.current?.focus();

    setBusy(true);
    let made: string | null = null;
    try {
      // a new thread first, so the run has a thread page
      if (!thread) made = (await createThread.mutateAsync({})).id;
      const run = await createRun.mutateAsync({
        threadId: thread?.ok ? thread.threadId : made,
        assistantId: selectedId,
        input: input.input,
        ...(runConfig.value ? { config: runConfig.value } : {}),
        ...(runMetadata.value ? { metadata: runMetadata.value } : {}),
        multitaskStrategy: strategy,
        // the detail page shows the reply token by token: ask for message chunks too
        streamMode: ["values", "messages-tuple"],
      });
      router.push(`/runs/${run.id}`);
    } catch (error) {
      // no empty thread left behind by a run that did not start
      if (made) deleteThread.mutate({ threadId: made });
      setFailure({ title: !thread && !made ? "Could not create a thread for the run" : "Could not start the run", error });
      setBusy(false);
    }
  }

  const inputErrorId = "new-run-input-error";
  const threadErrorId = "new-run-thread-error";
  return (
    <form className={`card form ${styles.form}`} aria-label="New run" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="new-run-assistant">Assistant</label>
      <select
        id="new-run-assistant"
        value={selectedId}
        onChange={(e) => setChosen(e.target.value)}
        aria-describedby="new-run-assistant-hint"
      >
        {list.map((a) => (
          <option key={a.id} value={a.id}>
            {assistantLabel(a)}
          </option>
        ))}
      </select>
      <p id="new-run-assistant-hint" className={`muted ${styles.hint}`}>
        {selected?.description ?? `Runs the ${selected?.graphId ?? ""} graph.`} <span className={styles.id}>Assistant id {selectedId}</span>
      </p>

      <fieldset className={styles.fieldset}>
        <legend>Input as</legend>
        <div className={styles.choices}>
          <label className={styles.choice}>
            <input type="radio" name="input-mode" checked={mode === "message"} onChange={() => switchMode("message")} />
            Message
          </label>
          <label className={styles.choice}>
            <input type="radio" name="input-mode" checked={mode === "json"} onChange={() => switchMode("json")} />
            JSON
          </label>
        </div>
      </fieldset>
      {mode === "message" ? (
        <>
          <label htmlFor="new-run-message">Message</label>
          <textarea
            id="new-run-message"
            ref={inputRef}
            rows={4}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            placeholder="What should the assistant do?"
            aria-invalid={inputError ? true : undefined}
            aria-describedby={inputError ? inputErrorId : "new-run-message-hint"}
          />
          <p id="new-run-message-hint" className={`muted ${styles.hint}`}>
            Sent as <code>{'{"messages": [{"role": "user", "content": …}]}'}</code>
          </p>
        </>
      ) : (
        <>
          <label htmlFor="new-run-json">Input JSON</label>
          <textarea
            id="new-run-json"
            ref={inputRef}
            rows={8}
            className={styles.code}
            spellCheck={false}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            aria-invalid={inputError ? true : undefined}
            aria-describedby={inputError ? inputErrorId : undefined}
          />
        </>
      )}
      {inputError ? (
        <p id={inputErrorId} role="alert" className="error">
          {inputError}
        </p>
      ) : null}

      <fieldset className={styles.fieldset}>
        <legend>Thread</legend>
        <div className={styles.choices}>
          <label className={styles.choice}>
            <input type="radio" name="thread-mode" checked={threadMode === "new"} onChange={() => setThreadMode("new")} />
            New thread
          </label>
          <label className={styles.choice}>
            <input type="radio" name="thread-mode" checked={threadMode === "existing"} onChange={() => setThreadMode("existing")} />
            Existing thread
          </label>
        </div>
        {threadMode === "existing" ? (
          <div className={styles.threadField}>
            <label htmlFor="new-run-thread">Thread ID</label>
            <input
              id="new-run-thread"
              ref={threadRef}
              list="new-run-recent-threads"
              className={styles.code}
              value={threadId}
              onChange={(e) => setThreadId(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={threadError ? true : undefined}
              aria-describedby={threadError ? threadErrorId : undefined}
            />
            <datalist id="new-run-recent-threads">
              {(recentThreads.data?.items ?? []).map((t) => (
                <option key={t.id} value={t.id} />
              ))}
            </datalist>
            {threadError ? (
              <p id={threadErrorId} role="alert" className="error">
                {threadError}
              </p>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      <fieldset className={`${styles.fieldset} ${styles.options}`}>
        <legend>Options</legend>
        <JsonField
          id="new-run-config"
          ref={configRef}
          label="Config (JSON)"
          value={config}
          error={configError}
          onChange={(value) => {
            setConfig(value);
            setConfigError(null);
          }}
          placeholder='{"configurable": {"model": "..."}}'
        />
        <JsonField
          id="new-run-metadata"
          ref={metadataRef}
          label="Metadata (JSON)"
          value={metadata}
          error={metadataError}
          onChange={(value) => {
            setMetadata(value);
            setMetadataError(null);
          }}
          placeholder='{"team": "red"}'
          hint="Kept with the run: filter and find runs by it on the Runs page."
        />
        <label htmlFor="new-run-strategy">If the thread is busy</label>
        <select id="new-run-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)}>
          {STRATEGIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </fieldset>

      {failure ? <ApiError title={failure.title} error={failure.error} /> : null}
      <div className={styles.actions}>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Starting…" : "Start run"}
        </button>
      </div>
    </form>
  );
}
