export * from "./verify";
export * from "./trustList";
