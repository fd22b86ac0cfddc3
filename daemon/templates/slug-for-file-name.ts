/** The bare name of a template file: no folders, no `.json`. */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.json$/i, '');
}

/** The slug a template file must carry: its stem with '-' read as '_' (`crud-todo.json` -> `crud_todo`). */
export function slugForFileName(fileName: string): string {
  return fileStem(fileName).replaceAll('-', '_');
}
