// Ranges for packages generated frontends commonly use, chosen to work with React 18 and Vite 5;
// anything else gets "latest", which npm resolves at install time.
const KNOWN_RANGES: ReadonlyMap<string, string> = new Map([
  ['react', '^18.3.1'],
  ['react-dom', '^18.3.1'],
  ['react-router-dom', '^6.28.0'],
  ['react-router', '^6.28.0'],
  ['axios', '^1.7.9'],
  ['@tanstack/react-query', '^5.62.0'],
  ['zustand', '^5.0.2'],
  ['redux', '^5.0.1'],
  ['react-redux', '^9.2.0'],
  ['@reduxjs/toolkit', '^2.5.0'],
  ['prop-types', '^15.8.1'],
  ['classnames', '^2.5.1'],
  ['clsx', '^2.1.1'],
  ['uuid', '^11.0.3'],
  ['nanoid', '^5.0.9'],
  ['lodash', '^4.17.21'],
  ['dayjs', '^1.11.13'],
  ['date-fns', '^4.1.0'],
  ['react-icons', '^5.4.0'],
  ['recharts', '^2.15.0'],
  ['chart.js', '^4.4.7'],
  ['react-chartjs-2', '^5.2.0'],
  ['bootstrap', '^5.3.3'],
  ['react-bootstrap', '^2.10.7'],
  ['@mui/material', '^6.3.0'],
  ['@mui/icons-material', '^6.3.0'],
  ['@emotion/react', '^11.14.0'],
  ['@emotion/styled', '^11.14.0'],
  ['styled-components', '^6.1.13'],
  ['react-hook-form', '^7.54.2'],
  ['yup', '^1.6.1'],
  ['zod', '^3.24.1'],
  ['formik', '^2.4.6'],
  ['react-toastify', '^10.0.6'],
  ['react-hot-toast', '^2.4.1'],
  ['socket.io-client', '^4.8.1'],
  ['dompurify', '^3.2.3'],
  ['marked', '^15.0.4'],
  ['react-markdown', '^9.0.1'],
  ['jwt-decode', '^4.0.0'],
  ['qrcode.react', '^4.2.0'],
  ['framer-motion', '^11.15.0'],
  ['lucide-react', '^0.469.0'],
  ['vite', '^5.4.11'],
  ['@vitejs/plugin-react', '^4.3.4'],
]);

/** The version range to add for a package in package.json. */
export function npmVersionRange(packageName: string): string {
  return KNOWN_RANGES.get(packageName) ?? 'latest';
}

// Peer packages an import does not name but the package cannot work without.
const PEERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['@mui/material', ['@emotion/react', '@emotion/styled']],
  ['@mui/icons-material', ['@mui/material', '@emotion/react', '@emotion/styled']],
  ['react-chartjs-2', ['chart.js']],
]);

/** Packages to install along with one the code imports (its required peers). */
export function npmPeerPackages(packageName: string): readonly string[] {
  return PEERS.get(packageName) ?? [];
}
