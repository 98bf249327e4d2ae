/**
 * `median`, kept here for the root API and older imports; statistics live in
 * `lib/numeric/stats.ts`.
 *
 * @module
 */
export { median } from "../numeric/stats.ts";
