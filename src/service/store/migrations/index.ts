/**
 * The schema's history, shared by SQLite and PostgreSQL. Append new migrations with the next
 * number; never edit one that has shipped. Dialect differences come only from `Dialect`.
 */
import type { Dialect } from "../dialect";
import { initial } from "./0001_initial";
import { outboxWithoutSent } from "./0002_outbox_without_sent";

export type Migration = {
  /** 1, 2, 3, … in order, no gaps. */
  version: number;
  name: string;
  sql: (dialect: Dialect) => string;
};

export const MIGRATIONS: readonly Migration[] = [initial, outboxWithoutSent];
