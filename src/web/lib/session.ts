/**
 * The signed-in officer: the bearer token lives in sessionStorage (gone when the tab closes, never
 * in localStorage), with the officer's name, role and country from GET /api/v1/me.
 */
import type { Officer, Role } from "./types";

const TOKEN = "permit-registry.token";
const OFFICER = "permit-registry.officer";

export const getToken = (): string | null => sessionStorage.getItem(TOKEN);

export function getOfficer(): Officer | null {
  const raw = sessionStorage.getItem(OFFICER);
  if (!raw || !getToken()) return null;
  try {
    return JSON.parse(raw) as Officer;
  } catch {
    return null;
  }
}

export function signIn(token: string, officer: Officer): void {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(OFFICER, JSON.stringify(officer));
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(OFFICER);
}

/** Where an officer of `role` starts after signing in. */
export function homeOf(role: Role): string {
  return role === "ADMIN" ? "/officers" : role === "ISSUER" ? "/issue" : "/endorse";
}
