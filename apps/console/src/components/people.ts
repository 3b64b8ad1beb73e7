import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api.tsx";
import { queries } from "../queries.ts";

/**
 * User id → name, from auth's user list (every built-in role reads it). Without that permission the
 * screens still work and show a short id instead of a name.
 */
export function usePeople(): (id: string | null | undefined) => string {
  const { api } = useApi();
  const users = useQuery({ ...queries(api).users(), retry: false });
  const names = new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
  return (id) => (id ? (names.get(id) ?? `${id.slice(0, 8)}…`) : "—");
}
