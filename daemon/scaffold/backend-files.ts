/**
 * The Flask backend of the scaffold: app-relative path -> content, with `{{backend_port}}`,
 * `{{frontend_port}}` and `{{project_name}}` still to fill.
 */
export const backendFiles: Readonly<Record<string, string>> = {
  'backend/app.py': `"""{{project_name}} backend: a JSON API under /api, served by Flask."""
import os

from flask import Flask, jsonify
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

app = Flask(__name__)
app.json.sort_keys = False
CORS(app)


@app.get("/api/health")
def health():
    return jsonify({"status": "ok"})


@app.errorhandler(HTTPException)
def handle_http_error(error):
    # Every error is JSON, never Flask's HTML page, so the frontend can show the message.
    return jsonify({"error": error.description or error.name}), error.code


@app.errorhandler(Exception)
def handle_unexpected_error(error):
    app.logger.exception("Unhandled error: %s", error)
    return jsonify({"error": "Internal server error"}), 500


if __name__ == "__main__":
    port = int(os.environ.get("BACKEND_PORT", "{{backend_port}}"))
    app.run(host="0.0.0.0", port=port, debug=os.environ.get("FLASK_DEBUG") == "1")
`,
  'backend/requirements.txt': `Flask>=3.0,<4
Flask-Cors>=4.0
gunicorn>=22.0
`,
  'backend/Dockerfile': `FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    BACKEND_PORT={{backend_port}}

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

EXPOSE {{backend_port}}
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:\${BACKEND_PORT} --workers 2 --threads 4 --timeout 120 app:app"]
`,
};
