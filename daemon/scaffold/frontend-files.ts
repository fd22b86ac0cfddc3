/**
 * The React frontend of the scaffold (Vite for development, nginx in the container): app-relative path -> content, with `{{backend_port}}`,
 * `{{frontend_port}}` and `{{project_name}}` still to fill.
 */
export const frontendFiles: Readonly<Record<string, string>> = {
  'frontend/package.json': `{
  "name": "{{project_name}}",
  "private": true,
  "version": "0.1.0",
  "type": "module",
  "scripts": {
    "dev": "vite",
    "build": "vite build",
    "preview": "vite preview"
  },
  "dependencies": {
    "axios": "^1.7.9",
    "react": "^18.3.1",
    "react-dom": "^18.3.1"
  },
  "devDependencies": {
    "@vitejs/plugin-react": "^4.3.4",
    "vite": "^5.4.11"
  }
}
`,
  'frontend/vite.config.js': `import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The environment wins (see ../.env); otherwise the ports this app was generated with.
const backendPort = process.env.BACKEND_PORT || '{{backend_port}}';
const frontendPort = Number(process.env.FRONTEND_PORT || '{{frontend_port}}');

export default defineConfig({
  plugins: [react()],
  server: {
    host: true,
    port: frontendPort,
    strictPort: true,
    // The app calls relative /api/... URLs; in development they go to the Flask server.
    proxy: {
      '/api': { target: \`http://localhost:\${backendPort}\`, changeOrigin: true },
    },
  },
  preview: {
    port: frontendPort,
    strictPort: true,
  },
});
`,
  'frontend/index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>{{project_name}}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
`,
  'frontend/src/main.jsx': `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`,
  'frontend/src/App.jsx': `import axios from 'axios';
import { useEffect, useState } from 'react';

export default function App() {
  const [status, setStatus] = useState('checking...');

  useEffect(() => {
    axios
      .get('/api/health')
      .then((response) => setStatus(response.data.status))
      .catch((error) => setStatus(error.response?.data?.error ?? error.message));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>{{project_name}}</h1>
      <p>Backend status: {status}</p>
    </main>
  );
}
`,
  'frontend/nginx.conf': `server {
  listen 80;
  server_name _;
  root /usr/share/nginx/html;
  index index.html;
  client_max_body_size 20m;

  location /api/ {
    proxy_pass http://backend:{{backend_port}};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    # Unbuffered with a long timeout so that Server-Sent Events stream through.
    proxy_buffering off;
    proxy_read_timeout 1h;
  }

  location / {
    try_files $uri $uri/ /index.html;
  }
}
`,
  'frontend/Dockerfile': `FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/dist /usr/share/nginx/html
EXPOSE 80
`,
};
