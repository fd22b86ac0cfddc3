/**
 * The files at the root of a scaffolded app: compose file and its environment: app-relative path -> content, with `{{backend_port}}`,
 * `{{frontend_port}}` and `{{project_name}}` still to fill.
 */
export const rootFiles: Readonly<Record<string, string>> = {
  'docker-compose.yml': `# {{project_name}}: the Flask backend and the React frontend. Host ports come from .env.
name: {{project_name}}

services:
  backend:
    build: ./backend
    environment:
      BACKEND_PORT: "{{backend_port}}"
    ports:
      - "\${BACKEND_PORT:-{{backend_port}}}:{{backend_port}}"
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:{{backend_port}}/api/health')"]
      interval: 10s
      timeout: 3s
      retries: 5
    restart: unless-stopped

  frontend:
    build: ./frontend
    ports:
      - "\${FRONTEND_PORT:-{{frontend_port}}}:80"
    depends_on:
      backend:
        condition: service_healthy
    restart: unless-stopped
`,
  '.env': `# Read by docker compose; export them to run the dev servers on other ports.
BACKEND_PORT={{backend_port}}
FRONTEND_PORT={{frontend_port}}
PROJECT_NAME={{project_name}}
`,
};
