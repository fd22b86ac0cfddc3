/** One file a job writes into its app: the whole new content of an app-relative path. */
export interface FileWrite {
  /** App-relative, posix separators, inside a component folder: `backend/app.py`, `frontend/src/App.jsx`. */
  path: string;
  content: string;
}
