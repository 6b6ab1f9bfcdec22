/** Sign-in: the officer pastes the token their authority gave them; it stays in this tab only. */
import { api, ApiError, messageOf } from "../lib/api";
import { h, notice, replace } from "../lib/dom";
import { getOfficer, homeOf, signIn, signOut } from "../lib/session";
import { mountPage } from "../lib/shell";
import type { Officer } from "../lib/types";

const page = mountPage("signin")!;
const message = h("div", { id: "signin-message", "aria-live": "polite" });
const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "current-password", required: true, spellcheck: "false", "aria-describedby": "token-help" });

async function submit(event: Event): Promise<void> {
  event.preventDefault();
  const token = input.value.trim();
  if (!token) return void replace(message, notice("error", "Paste your officer token."));
  try {
    const officer = await api<Officer>("/me", { token });
    signIn(token, officer);
    const next = new URLSearchParams(location.search).get("next");
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : homeOf(officer.role));
  } catch (err) {
    replace(message, notice("error", err instanceof ApiError && err.status === 401 ? "This token is not valid, or its officer was removed." : `Could not sign in: ${messageOf(err)}`));
  }
}

const current = getOfficer();
replace(page.main,
  h("h1", {}, "Officer sign-in"),
  current
    ? h("div", { class: "notice notice-info", role: "status" }, `Signed in as ${current.name} (${current.role.toLowerCase()} of ${current.country}). `,
        h("button", { type: "button", class: "link-button", onclick: () => { signOut(); location.reload(); } }, "Sign out"))
    : null,
  h("form", { class: "card", onsubmit: (e) => void submit(e) },
    h("label", { for: "token" }, "Officer token"),
    input,
    h("p", { id: "token-help", class: "small" }, "Your authority's administrator gives you a token (it starts with prt_). It is kept in this browser tab only and forgotten when you close it or sign out."),
    h("button", { type: "submit", id: "signin-button" }, "Sign in"),
  ),
  message,
);
input.focus();
