/** A requirement as the prompt files see it. */
export interface RequirementItem {
  /** Its position among the template's requirements of that kind: 1, 2, ... */
  number: number;
  /** As written, trimmed. */
  text: string;
  /** The text starts with a number of its own (`1.`, `2)`, `Step 3:`): the prompt must not add one. */
  numbered: boolean;
}

// Numbers a requirement may already start with, always followed by a space so that "2FA login"
// or "1.5 GB uploads" are not taken for one. These are list numbers wherever they stand:
const LIST_NUMBER = [
  /^\(?\d{1,3}(?:\.\d{1,3})*[.)]\s/, // 1. 1) (1) 1.2. 1.2)
  /^\*\*\(?\d{1,3}[.)]\*\*\s/, // **1.** Title
  /^\(?[a-z]\)\s/i, // a) (b)
  /^(?:[ivx]{1,5}|[IVX]{1,5})[.)]\s/, // iv. IV)
];
// These count only when the number is the requirement's position: "Step 1: name and email" as the
// second requirement of a form wizard describes the form's first step, it does not number the list.
const LABELLED_NUMBER = [
  /^(?:step|requirement|req|item|task|part|phase|feature|story|us|fr|nfr|r)[\s#-]*(\d{1,3})\s?[:\-–—.)]\s/i,
  /^#(\d{1,3})[:.)]?\s/, // #2 Search
  /^(\d{1,3})\s?[:\-–—]\s/, // 2: Search, 2 - Search
];

/** Whether a requirement's text already starts with its own number; `position` is 1-based. */
export function hasOwnNumber(text: string, position: number): boolean {
  if (LIST_NUMBER.some((pattern) => pattern.test(text))) return true;
  return LABELLED_NUMBER.some((pattern) => Number(pattern.exec(text)?.[1]) === position);
}

/** The non-empty requirements, trimmed and numbered by position. */
export function requirementItems(requirements: readonly string[]): RequirementItem[] {
  return requirements
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map((text, i) => ({ number: i + 1, text, numbered: hasOwnNumber(text, i + 1) }));
}
