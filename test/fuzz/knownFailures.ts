/**
 * Cases the fuzzer finds failing on main and nobody has fixed yet: empty, and meant to stay so. A failing
 * case not listed here fails the suite, and a listed case that passes fails it too ("remove it"), so
 * the list can only describe what is true. Nothing else marks a case as known.
 * Entries are case names, `<METHOD> <path template> <what was changed>`; an entry ending in ` *` names every
 * case that starts with the rest (for one cause behind many cases).
 */
export const KNOWN_FAILURES: string[] = [];
