import { strict as assert } from 'node:assert';
import { extractRoutes } from '../../../daemon/prompts/extract-routes';

describe('extractRoutes', () => {
  it('reads @app.route with and without methods', () => {
    const code = `
from flask import Flask
app = Flask(__name__)

@app.route('/api/todos', methods=['GET', 'POST'])
def todos():
    pass

@app.route("/api/todos/<int:todo_id>", methods=["PUT", "DELETE"])
def todo(todo_id):
    pass

@app.route('/api/about')
def about():
    pass
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/todos', methods: ['GET', 'POST'] },
      { path: '/api/todos/<int:todo_id>', methods: ['PUT', 'DELETE'] },
      { path: '/api/about', methods: ['GET'] },
    ]);
  });

  it('reads the method shortcuts and merges methods of one path', () => {
    const code = `
@app.get("/api/items")
def list_items(): ...

@app.post("/api/items")
def create_item(): ...

@app.patch("/api/items/<id>")
def update_item(id): ...

@app.delete("/api/items/<id>")
def delete_item(id): ...

@app.put("/api/items/<id>")
def replace_item(id): ...
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/items', methods: ['GET', 'POST'] },
      { path: '/api/items/<id>', methods: ['PUT', 'PATCH', 'DELETE'] },
    ]);
  });

  it('applies the url_prefix a blueprint is created with', () => {
    const code = `
from flask import Blueprint
todos_bp = Blueprint('todos', __name__, url_prefix='/api/todos')

@todos_bp.route('', methods=['GET'])
def list_todos(): ...

@todos_bp.route('/', methods=['POST'])
def create_todo(): ...

@todos_bp.get('/<int:id>')
def get_todo(id): ...
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/todos', methods: ['GET'] },
      { path: '/api/todos/', methods: ['POST'] },
      { path: '/api/todos/<int:id>', methods: ['GET'] },
    ]);
  });

  it('lets the url_prefix of register_blueprint win over the one of Blueprint()', () => {
    const code = `
import flask
bp = flask.Blueprint("api", __name__, url_prefix="/old")

@bp.route("/notes", methods=("GET", "POST"))
def notes(): ...

def create_app():
    app = flask.Flask(__name__)
    app.register_blueprint(bp, url_prefix="/api/")
    return app
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/notes', methods: ['GET', 'POST'] }]);
  });

  it('uses the prefix given at registration for a blueprint created elsewhere', () => {
    const code = `
from routes import users
app.register_blueprint(users.bp, url_prefix='/api/users')

@bp.route('/<int:user_id>')
def get_user(user_id): ...
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/users/<int:user_id>', methods: ['GET'] }]);
  });

  it('reads add_url_rule', () => {
    const code = `
app.add_url_rule('/api/ping', 'ping', ping, methods=['get'])
app.add_url_rule(rule="/api/pong", view_func=pong)
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/ping', methods: ['GET'] },
      { path: '/api/pong', methods: ['GET'] },
    ]);
  });

  it('reads decorators spread over several lines, with other keywords and comments', () => {
    const code = `
@app.route(
    "/api/bookings",  # all bookings
    methods=[
        "GET",
        "POST",
    ],
    strict_slashes=False,
)
@login_required
def bookings(): ...
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/bookings', methods: ['GET', 'POST'] }]);
  });

  it('keeps every route of a view with stacked route decorators', () => {
    const code = `
@app.route('/api/a')
@app.route('/api/b', methods=['POST'])
def view(): ...
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/a', methods: ['GET'] },
      { path: '/api/b', methods: ['POST'] },
    ]);
  });

  it('ignores routes inside strings and comments', () => {
    const code = `
"""
Example:
@app.route('/api/in-docstring')
"""
# @app.route('/api/in-comment')
text = "@app.get('/api/in-string')"
@app.get('/api/real')
def real(): ...
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/real', methods: ['GET'] }]);
  });

  it('skips rules that are not literal strings', () => {
    const code = `
@app.route(f"/api/{name}")
def dynamic(): ...

@app.route(PREFIX + "/x")
def computed(): ...

@app.get("/api/ok")
def ok(): ...
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/ok', methods: ['GET'] }]);
  });

  it('joins adjacent string literals and reads raw strings', () => {
    const code = `
@app.route('/api/' 'joined')
def joined(): ...

@app.get(r'/api/raw')
def raw(): ...
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/joined', methods: ['GET'] },
      { path: '/api/raw', methods: ['GET'] },
    ]);
  });

  it('does not mistake other calls named get or route for routes', () => {
    const code = `
value = request.args.get('/api/not-a-route')
data = requests.get('/api/remote')
router.route('/api/not-a-decorator')
@app.get('/api/yes')
def yes(): ...
`;
    assert.deepEqual(extractRoutes(code), [{ path: '/api/yes', methods: ['GET'] }]);
  });

  it('survives broken code and still finds the routes before and after the damage', () => {
    const code = `
@app.get('/api/before')
def before(): ...

@app.route('/api/broken', methods=['GET'
def broken(): ...

s = 'unterminated
@app.post('/api/after')
def after(): ...
`;
    assert.deepEqual(extractRoutes(code), [
      { path: '/api/before', methods: ['GET'] },
      { path: '/api/after', methods: ['POST'] },
    ]);
  });

  it('returns nothing for code without routes', () => {
    assert.deepEqual(extractRoutes(''), []);
    assert.deepEqual(extractRoutes('print("hello")\n'), []);
  });

  it('finds routes after thousands of unclosed calls, and in a file of thousands of routes', () => {
    // A crude guard against quadratic behaviour on pathological input; correctness is what is asserted.
    const nested = `${'app.add_url_rule('.repeat(20_000)}\n@app.get('/api/end')\ndef end(): ...\n`;
    assert.deepEqual(extractRoutes(nested), [{ path: '/api/end', methods: ['GET'] }]);
    const many = Array.from({ length: 5_000 }, (_, i) => `@app.get('/api/r${i}')\ndef r${i}(): ...\n`).join(
      '',
    );
    const routes = extractRoutes(many);
    assert.equal(routes.length, 5_000);
    assert.deepEqual(routes[4_999], { path: '/api/r4999', methods: ['GET'] });
  });
});
