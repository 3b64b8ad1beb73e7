import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.tsx";

export interface Column<T> {
  /** The column's heading; also the label a phone shows before each cell (tables stack there). */
  header: string;
  cell: (row: T) => ReactNode;
  /** Heading read by screen readers only (a column of buttons). */
  hideHeader?: boolean;
}

interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string | number;
  caption?: string;
  /** Extra class (`history`, `tasks`…) beside `data-table`. */
  className?: string;
  /** The row the reader has open (`aria-current`). */
  current?: (row: T) => boolean;
  /** Shown instead of an empty table once the rows have loaded; nothing when `null`. */
  empty?: string | null;
}

/**
 * The console's one table: headings with `scope="col"`, a caption when given, and cells labelled
 * with their heading, so on a phone each row becomes a small card (styles.css) instead of a table
 * wider than the screen.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  caption,
  className,
  current,
  empty,
}: DataTableProps<T>) {
  const { t } = useI18n();
  if (rows && rows.length === 0 && empty !== null) {
    return <p>{empty ?? t("common.none")}</p>;
  }
  return (
    <table className={`data-table${className ? ` ${className}` : ""}`}>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column.header}>
              {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(rows ?? []).map((row) => (
          <tr key={rowKey(row)} aria-current={current?.(row) ? "true" : undefined}>
            {columns.map((column) => (
              <td key={column.header} data-label={column.hideHeader ? undefined : column.header}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
