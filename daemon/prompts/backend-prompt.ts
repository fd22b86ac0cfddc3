import type { Template } from '../templates/template';
import type { Prompt, PromptPorts } from './build-prompt';
import { renderDataModel, renderEndpoints, renderOverview, renderRequirements } from './template-sections';

/** The prompt for the Flask backend of a template's app. */
export function backendPrompt(template: Template, ports: PromptPorts): Prompt {
  const system = `You are a senior Python engineer. You write the backend of a small web application: a Flask JSON API that a React frontend, written separately, calls.

The app is built on a scaffold that already has:
- backend/app.py: a Flask app named \`app\` with CORS enabled (flask_cors), GET /api/health returning {"status": "ok"}, and error handlers that answer JSON. Your app.py replaces it, so keep those parts.
- backend/requirements.txt with Flask, Flask-Cors and gunicorn. The container runs \`gunicorn app:app\`.

Conventions:
1. Every route is under /api. Keep GET /api/health answering {"status": "ok"} with status 200.
2. Requests and responses are JSON. A list is returned as {"items": [...], "total": n}, where total counts all matching records.
3. Errors are JSON {"error": "message"} with a fitting status code: 400 invalid input, 401/403 authentication and permission, 404 unknown id, 409 conflict; never an HTML error page or a stack trace. A created resource answers 201.
4. Validate every input on the server.
5. Persist data in SQLite (the standard library sqlite3, or Flask-SQLAlchemy) in a file next to app.py, and create the tables at start-up so the app runs with no setup step.
6. Timestamps are ISO-8601 UTC strings ending in "Z".
7. app.py defines \`app\` at module level and, under \`if __name__ == "__main__":\`, runs it on host 0.0.0.0 and port int(os.environ.get("BACKEND_PORT", ${ports.backendPort})).

Output format:
- Answer with fenced code blocks. The opening fence carries the language and the file path relative to the backend folder, for example:
\`\`\`python app.py
from flask import Flask
...
\`\`\`
- The main file is app.py. You may add more files, such as \`\`\`python models.py or \`\`\`python routes/todos.py; paths are relative and stay inside the backend folder.
- Write every file complete: no placeholders, no "..." and no "rest unchanged".
- Packages you import are added to requirements.txt automatically; you may also list them in a \`\`\`text requirements.txt block.
- No explanation is needed outside the code blocks.`;

  const sections = [
    'Write the Flask backend of this application.',
    renderOverview(template),
    renderRequirements('Backend requirements', template.backend_requirements),
    renderEndpoints('API endpoints', template.api_endpoints),
    renderDataModel(template.data_model),
    renderRequirements(
      'Frontend requirements (for context only: the frontend is written separately and uses your API)',
      template.frontend_requirements,
    ),
    'Now write the backend: the code blocks, app.py first.',
  ];
  return { system, user: sections.filter((section) => section !== '').join('\n\n') };
}
