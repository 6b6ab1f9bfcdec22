/**
 * The frame of every page: skip link target, the navigation (what the signed-in officer may do),
 * sign-out. A page that needs a role shows a sign-in prompt instead of its content when the
 * visitor is not an officer with that role.
 */
import { byId, h, replace } from "./dom";
import { getOfficer, signOut } from "./session";
import type { Officer, Role } from "./types";

type NavItem = { id: string; href: string; label: string; roles?: Role[] };

const NAV: NavItem[] = [
  { id: "verify", href: "/verify", label: "Verify" },
  { id: "issue", href: "/issue", label: "Issue", roles: ["ISSUER"] },
  { id: "endorse", href: "/endorse", label: "Endorse export", roles: ["CUSTOMS"] },
  { id: "accept", href: "/accept", label: "Accept import", roles: ["ISSUER", "CUSTOMS"] },
  { id: "permits", href: "/permits", label: "Permits", roles: ["ADMIN", "ISSUER", "CUSTOMS"] },
  { id: "officers", href: "/officers", label: "Officers", roles: ["ADMIN"] },
  { id: "dashboard", href: "/dashboard", label: "Dashboard", roles: ["ADMIN", "ISSUER", "CUSTOMS"] },
];

export type Page = { main: HTMLElement; officer: Officer | null };

/**
 * Draws the header for page `id`. With `roles`, returns `undefined` (and says why in the page)
 * unless an officer with one of those roles is signed in.
 */
export function mountPage(id: string, options: { roles?: Role[] } = {}): (Page & { officer: Officer }) | Page | undefined {
  const officer = getOfficer();
  const header = byId("site-header");
  const links = NAV.filter((item) => !item.roles || (officer && item.roles.includes(officer.role))).map((item) =>
    h("li", {}, h("a", { href: item.href, "aria-current": item.id === id ? "page" : null }, item.label)),
  );
  const who = officer
    ? h("div", { class: "who" },
        h("span", { class: "who-name" }, `${officer.name} · ${officer.role.toLowerCase()} · ${officer.country}`),
        h("button", { type: "button", class: "link-button", id: "sign-out", onclick: () => { signOut(); location.assign("/signin"); } }, "Sign out"))
    : h("div", { class: "who" }, h("a", { href: "/signin", "aria-current": id === "signin" ? "page" : null }, "Sign in"));
  replace(header,
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("div", { class: "brand" }, h("a", { href: "/verify" }, h("span", { "aria-hidden": "true" }, "◈ "), "Permit registry")),
    h("nav", { "aria-label": "Pages" }, h("ul", {}, links)),
    who,
  );
  const main = byId("main");
  if (options.roles && (!officer || !options.roles.includes(officer.role))) {
    const roles = options.roles.map((r) => r.toLowerCase()).join(" or ");
    replace(main,
      h("h1", {}, document.title.split(" · ")[0]),
      h("div", { class: "notice notice-info", role: "status" },
        officer
          ? `This page is for ${roles} officers; you are signed in as ${officer.role.toLowerCase()} of ${officer.country}.`
          : `This page is for ${roles} officers. `,
        officer ? null : h("a", { href: `/signin?next=${encodeURIComponent(location.pathname)}` }, "Sign in with your officer token"),
      ),
    );
    return undefined;
  }
  return { main, officer };
}
