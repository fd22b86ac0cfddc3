import type { Template } from '../templates/template';
import type { Prompt, PromptPorts } from './build-prompt';
import { extractRoutes, type Route } from './extract-routes';
import {
  renderDataModel,
  renderEndpoints,
  renderOverview,
  renderRequirements,
  renderRoutes,
} from './template-sections';

/**
 * The prompt for the React frontend of a template's app. The routes the generated backend really
 * serves (given, or read from its code) come first; the template's endpoints follow for the shapes of
 * the bodies, and stand alone when no route could be found.
 */
export function frontendPrompt(
  template: Template,
  ports: PromptPorts,
  backendRoutes?: Route[],
  backendCode?: string,
): Prompt {
  const system = `You are a senior React engineer. You write the frontend of a small web application: a React single-page app (JavaScript with JSX, built with Vite) that talks to an existing Flask backend.

The app is built on a scaffold that already has frontend/package.json (react, react-dom, axios, vite), vite.config.js, index.html and src/main.jsx, which renders the default export of src/App.jsx into #root. The Vite dev server (port ${ports.frontendPort}) and nginx in production both forward /api to the backend (port ${ports.backendPort}).

Conventions:
1. Call the backend with axios and relative URLs such as /api/items; never write a host name or a port.
2. Use only the backend routes you are given, with their exact paths and methods. GET /api/health answers {"status": "ok"}.
3. List responses are {"items": [...], "total": n}: read the list from response.data.items.
4. Error responses are {"error": "message"} with a status code: show error.response?.data?.error to the user, falling back to error.message.
5. Show loading, empty and error states, and disable buttons while their request runs.
6. Function components and hooks, plain JavaScript (no TypeScript), plain CSS in .css files imported by the components; no UI framework unless the requirements ask for one.

Output format:
- Answer with fenced code blocks. The opening fence carries the language and the file path relative to the frontend folder, for example:
\`\`\`jsx src/App.jsx
export default function App() {
...
\`\`\`
- The main file is src/App.jsx and its component is the default export (\`export default function App()\`). You may add more files, such as \`\`\`jsx src/components/ItemList.jsx or \`\`\`css src/App.css; paths are relative and stay inside the frontend folder.
- Write every file complete: no placeholders, no "..." and no "rest unchanged".
- Packages you import are added to package.json automatically.
- No explanation is needed outside the code blocks.`;

  const routes = backendRoutes ?? (backendCode === undefined ? [] : extractRoutes(backendCode));
  const api =
    routes.length > 0
      ? [
          '## The API the generated backend actually exposes',
          'Read from the backend code; use exactly these methods and paths (<name> is a path parameter):',
          renderRoutes(routes),
        ].join('\n')
      : [
          '## The backend API',
          "The backend's routes could not be read from its code: use the endpoints of the specification below exactly.",
        ].join('\n');

  const sections = [
    'Write the React frontend of this application.',
    renderOverview(template),
    renderRequirements('Frontend requirements', template.frontend_requirements),
    api,
    renderEndpoints('API specification (request and response shapes)', template.api_endpoints),
    renderDataModel(template.data_model),
    'Now write the frontend: the code blocks, src/App.jsx first.',
  ];
  return { system, user: sections.join('\n\n').replace(/\n{3,}/g, '\n\n') };
}
