import { PYTHON_STDLIB } from './python-stdlib';

// Import names whose PyPI distribution is named differently.
const DISTRIBUTIONS: Readonly<Record<string, string>> = {
  flask: 'Flask',
  flask_cors: 'Flask-Cors',
  flask_sqlalchemy: 'Flask-SQLAlchemy',
  flask_migrate: 'Flask-Migrate',
  flask_login: 'Flask-Login',
  flask_jwt_extended: 'Flask-JWT-Extended',
  flask_limiter: 'Flask-Limiter',
  flask_caching: 'Flask-Caching',
  flask_socketio: 'Flask-SocketIO',
  flask_wtf: 'Flask-WTF',
  flask_bcrypt: 'Flask-Bcrypt',
  flask_marshmallow: 'flask-marshmallow',
  flask_restful: 'Flask-RESTful',
  flask_restx: 'flask-restx',
  flask_mail: 'Flask-Mail',
  flask_session: 'Flask-Session',
  flask_talisman: 'flask-talisman',
  flask_compress: 'Flask-Compress',
  flask_smorest: 'flask-smorest',
  marshmallow_sqlalchemy: 'marshmallow-sqlalchemy',
  sqlalchemy: 'SQLAlchemy',
  jwt: 'PyJWT',
  yaml: 'PyYAML',
  PIL: 'Pillow',
  dotenv: 'python-dotenv',
  dateutil: 'python-dateutil',
  bs4: 'beautifulsoup4',
  cv2: 'opencv-python',
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  Crypto: 'pycryptodome',
  jose: 'python-jose',
  docx: 'python-docx',
  pptx: 'python-pptx',
  magic: 'python-magic',
  multipart: 'python-multipart',
  slugify: 'python-slugify',
  socketio: 'python-socketio',
  engineio: 'python-engineio',
  email_validator: 'email-validator',
  psycopg2: 'psycopg2-binary',
  MySQLdb: 'mysqlclient',
  pymysql: 'PyMySQL',
  nacl: 'PyNaCl',
  OpenSSL: 'pyOpenSSL',
  serial: 'pyserial',
  zmq: 'pyzmq',
  attr: 'attrs',
  markdown: 'Markdown',
  fitz: 'PyMuPDF',
  pypdf: 'pypdf',
  googleapiclient: 'google-api-python-client',
  dns: 'dnspython',
  Levenshtein: 'python-Levenshtein',
  websocket: 'websocket-client',
  apscheduler: 'APScheduler',
  babel: 'Babel',
  pkg_resources: 'setuptools',
  qrcode: 'qrcode',
  bcrypt: 'bcrypt',
  requests: 'requests',
};

// Namespaces shared by many distributions: no single right name to add.
const AMBIGUOUS = new Set(['google', 'azure']);

// Installed with Flask itself; listing them separately only invites version conflicts.
const SHIPS_WITH_FLASK = new Set(['werkzeug', 'jinja2', 'itsdangerous', 'click', 'markupsafe', 'blinker']);

/**
 * The requirements.txt name for an imported top-level module, or undefined when the import needs
 * no requirement (standard library, or a package installed with Flask). Unknown modules are
 * assumed to be distributed under their import name.
 */
export function pythonDistribution(module: string): string | undefined {
  if (PYTHON_STDLIB.has(module)) return undefined;
  if (SHIPS_WITH_FLASK.has(module.toLowerCase()) || AMBIGUOUS.has(module)) return undefined;
  if (Object.hasOwn(DISTRIBUTIONS, module)) return DISTRIBUTIONS[module];
  const lower = module.toLowerCase();
  return Object.hasOwn(DISTRIBUTIONS, lower) ? DISTRIBUTIONS[lower] : module;
}

/** Whether a distribution of a known name provides `module` (`flask_cors`, `yaml`). */
export function hasKnownDistribution(module: string): boolean {
  return Object.hasOwn(DISTRIBUTIONS, module) || Object.hasOwn(DISTRIBUTIONS, module.toLowerCase());
}

/**
 * Whether `module` is a namespace many distributions share (`google`, `azure`): pythonDistribution
 * names none, and any requirement named `<namespace>-...` may provide it.
 */
export function isSharedNamespace(module: string): boolean {
  return AMBIGUOUS.has(module);
}

/** A requirement name in PEP 503 normal form, for comparing `Flask_Cors` with `flask-cors`. */
export function normaliseDistributionName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
