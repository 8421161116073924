import type { EmailDotsPolicy, EmailSubaddressPolicy } from '@gtd/api-platform';
import type { EmailKey } from '@gtd/api-inventory';

/**
 * The one rule that says which spellings of an email are the same account. Registration, sign-in,
 * the per-email /auth limit and the stores all key accounts by `canonicalEmail`, so `ana@gmail.com`,
 * `A.na+shop@googlemail.com`, `ａna@gmail.com` and `an\u200Ba@gmail.com` are one account with one
 * per-buyer limit.
 *
 * Steps, in order:
 * 1. NFKC: compatibility forms fold to their plain letters (full-width `ａ` → `a`, ligature `ﬁ` → `fi`).
 * 2. Default-ignorable code points are dropped (zero-width space/joiners, soft hyphen, word joiner,
 *    variation selectors, BOM…): invisible, so they can only serve to make a look-alike.
 * 3. Lower case (`toLowerCase`, locale-independent). Not Unicode full case folding: JavaScript has
 *    none, and its one practical difference — `ß` ≠ `ss`, final `ς` ≠ `σ` — matches IDNA2008 /
 *    UTS #46 (non-transitional), which keep `ß` and `ς` as letters of their own; mail systems
 *    deliver `straße@` and `strasse@` to different mailboxes, so they stay different accounts.
 * 4. Policy: the subaddress (`+tag`) and dots in the local part, see `EmailPolicy`.
 *
 * Local parts whose letters come from more than one script (Latin `ana` with a Cyrillic `а`) are
 * refused at validation (`emailRefusal`), not canonicalised: no rule could say which account
 * a homoglyph meant, and no real mailbox needs one.
 */
export interface EmailPolicy {
  /** `strip`: `ana+shop@` is `ana@` (Gmail, Outlook, iCloud, Fastmail…); `keep`: a separate account. */
  subaddress: EmailSubaddressPolicy;
  /** `gmail`: dots ignored for gmail.com/googlemail.com only; `all`: on every domain; `keep`: never. */
  dots: EmailDotsPolicy;
}

export const DEFAULT_EMAIL_POLICY: EmailPolicy = Object.freeze({ subaddress: 'strip', dots: 'gmail' });

/** Domains that deliver `a.n.a@` to `ana@`; googlemail.com is gmail.com's other name. */
const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Steps 1–3: the spelling every policy starts from. Idempotent. */
export function foldEmail(email: string): string {
  return email.normalize('NFKC').replace(DEFAULT_IGNORABLE, '').toLowerCase().normalize('NFKC');
}

/** The address splits at its last `@`: a quoted local part may hold one, a domain never does. */
function splitAddress(email: string): { local: string; domain: string } {
  const at = email.lastIndexOf('@');
  return at < 0 ? { local: email, domain: '' } : { local: email.slice(0, at), domain: email.slice(at + 1) };
}

/**
 * The key an account is stored and found by. Never throws: the /auth limiter keys attempts by it
 * before validation has looked at the body; `emailRefusal` says which spellings are refused.
 */
export function canonicalEmail(email: string, policy: EmailPolicy = DEFAULT_EMAIL_POLICY): EmailKey {
  const split = splitAddress(foldEmail(email));
  let { local, domain } = split;
  const gmail = GMAIL_DOMAINS.has(domain);
  if (policy.subaddress === 'strip') {
    // A leading '+' is the whole name, not a tag on one.
    const plus = local.indexOf('+');
    if (plus > 0) local = local.slice(0, plus);
  }
  if (policy.dots === 'all' || (policy.dots === 'gmail' && gmail)) {
    const undotted = local.replace(/\./g, '');
    if (undotted !== '') local = undotted;
  }
  if (gmail && policy.dots === 'gmail') domain = 'gmail.com';
  return `${local}@${domain}` as EmailKey;
}

/**
 * How accounts registered before `canonicalEmail` were stored: lower-cased only. Sign-in and
 * registration also look this spelling up, so those accounts are still found (see README,
 * "Accounts and the per-buyer limit"); nothing new is ever stored under it.
 */
export const legacyEmailKey = (email: string): EmailKey => email.toLowerCase() as EmailKey;

/**
 * Scripts a letter is tested against (by `Script_Extensions`, so a letter shared by several — the
 * Japanese prolonged sound mark in Hiragana and Katakana — counts for each). A letter in none of
 * them counts as one "other" script: a local part all in such a script passes, mixed with Latin it does not.
 */
const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Mongolian',
  'Ethiopic',
  'Cherokee',
  'Hangul',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Han',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => ({
  name,
  test: new RegExp(`\\p{Script_Extensions=${name}}`, 'u'),
}));
const COMMON_OR_INHERITED = /[\p{Script=Common}\p{Script=Inherited}]/u;

/**
 * UTS #39 "augmented" script sets: Han is written together with kana (Japanese), Hangul (Korean)
 * and Bopomofo (Chinese), so those mixes are one writing system, not a homoglyph trick.
 */
const AUGMENTED: Partial<Record<string, readonly string[]>> = {
  Han: ['Jpan', 'Kore', 'Hanb'],
  Hiragana: ['Jpan'],
  Katakana: ['Jpan'],
  Hangul: ['Kore'],
  Bopomofo: ['Hanb'],
};

/** The scripts one letter may belong to; undefined for Common/Inherited ones, which fit any script. */
function scriptsOf(letter: string): Set<string> | undefined {
  const scripts = new Set<string>();
  for (const { name, test } of SCRIPT_TESTS) {
    if (!test.test(letter)) continue;
    scripts.add(name);
    for (const extra of AUGMENTED[name] ?? []) scripts.add(extra);
  }
  if (scripts.size > 0) return scripts;
  return COMMON_OR_INHERITED.test(letter) ? undefined : new Set(['other']);
}

/**
 * Whether the letters of `local` share a script (UTS #39's resolved script set is not empty).
 * Digits, punctuation and marks are Common/Inherited and fit with anything.
 */
export function isSingleScript(local: string): boolean {
  let shared: Set<string> | undefined;
  for (const [letter] of local.matchAll(/\p{L}/gu)) {
    const scripts = scriptsOf(letter);
    if (!scripts) continue;
    shared = shared ? new Set([...shared].filter((s) => scripts.has(s))) : scripts;
    if (shared.size === 0) return false;
  }
  return true;
}

export const MIXED_SCRIPT_MESSAGE = 'email must not mix letters of different scripts before the @';
export const INVISIBLE_LOCAL_PART_MESSAGE = 'email must have visible characters before the @';

/**
 * Why an email cannot be an account, as the field message of a 400 VALIDATION_FAILED; undefined
 * when it can. Independent of the policy, so the DTO can apply it; checked on the folded spelling,
 * so a full-width or zero-width disguise is judged as what it shows.
 */
export function emailRefusal(email: string): string | undefined {
  const { local } = splitAddress(foldEmail(email));
  if (local === '') return INVISIBLE_LOCAL_PART_MESSAGE;
  return isSingleScript(local) ? undefined : MIXED_SCRIPT_MESSAGE;
}
