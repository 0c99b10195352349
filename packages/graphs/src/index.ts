export { graph as agent, agentModel } from "./agent.ts";
export { graph as slow, STEPS as SLOW_STEPS } from "./slow.ts";
export { graph as human } from "./human.ts";
export { graph as failing, FAILURE_MESSAGE } from "./failing.ts";
export { graph as subgraph } from "./subgraph.ts";
export { graph as trivial } from "./trivial.ts";
export { FakeStreamingChatModel, type FakeChatModelOptions } from "./fake-chat-model.ts";
export { abortableSleep } from "./sleep.ts";
export { numberSetting } from "./settings.ts";
