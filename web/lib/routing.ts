/** Props Next passes to a page (without relying on generated `PageProps` types). */
export interface SearchParamsProps {
  readonly searchParams: Promise<Record<string, string | string[] | undefined>>;
}
