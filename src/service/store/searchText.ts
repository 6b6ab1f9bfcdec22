/**
 * What `GET /permits?q=` searches: a permit's number and the values of its document (not its
 * field names, so `name` or `unit` do not match every permit), folded so that case and accents do
 * not matter in any script ("sao paulo" finds "São Paulo", "ÖSTERREICH" finds "Österreich").
 * Folding happens here, in JavaScript, for both databases alike: SQLite's `LOWER` folds ASCII only.
 */

/** `text` without case or accents: decomposed, combining marks dropped, lower case. */
export function foldForSearch(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The searchable text of a permit: its number and every string or number in its document, one per line, folded. */
export function permitSearchText(permitNumber: string, documentJson: string): string {
  const values: string[] = [permitNumber];
  const collect = (value: unknown): void => {
    if (typeof value === "string") values.push(value);
    else if (typeof value === "number" || typeof value === "bigint") values.push(String(value));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(JSON.parse(documentJson));
  return foldForSearch(values.join("\n"));
}
