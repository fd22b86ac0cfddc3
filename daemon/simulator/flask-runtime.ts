/**
 * The part of a simulated backend's app.py that every app shares: its imports, its records (kept
 * in memory, behind one lock), the JSON error convention, body checks against the example request,
 * answers shaped like the example response, and the list convention with query filters; tokens,
 * files and event streams are in flask-runtime-extras.ts. The routes (flask-handlers.ts) call
 * them. Python, kept as text: it is what the simulated model writes.
 */

export const FLASK_IMPORTS = [
  'import io',
  'import json',
  'import re',
  'import secrets',
  'import threading',
  'from datetime import datetime, timedelta, timezone',
  '',
  'from flask import Flask, Response, has_request_context, jsonify, redirect, request, send_file, stream_with_context',
  'from flask_cors import CORS',
  'from werkzeug.exceptions import HTTPException',
  'from werkzeug.security import check_password_hash, generate_password_hash',
  'from werkzeug.utils import secure_filename',
];

export const FLASK_RUNTIME = String.raw`_lock = threading.RLock()
_changed = threading.Condition(_lock)
_stores = {}
_next_ids = {}
_files = {}
_tokens = {}
_DATETIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$')
_DATE = re.compile(r'^\d{4}-\d\d-\d\d$')
_SEARCH = {'q', 'search', 'query'}
_PAGING = {'page', 'page_size', 'per_page', 'limit', 'offset'}


class ApiError(Exception):
    """An error answered as JSON {"error": message} with its status code."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@app.errorhandler(ApiError)
def api_error(error):
    return jsonify({'error': error.message}), error.status


@app.errorhandler(HTTPException)
def http_error(error):
    return jsonify({'error': error.description}), error.code


@app.errorhandler(Exception)
def unexpected_error(error):
    app.logger.exception('Unexpected error')
    return jsonify({'error': 'Internal server error'}), 500


def now():
    return datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def today():
    return datetime.now(timezone.utc).strftime('%Y-%m-%d')


def tomorrow():
    return (datetime.now(timezone.utc) + timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')


def is_secret(key):
    return 'password' in key.lower() or 'secret' in key.lower()


def json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    return 'list' if isinstance(value, list) else 'object'


def singular(name):
    if name.endswith('ies'):
        return name[:-3] + 'y'
    return name[:-1] if name.endswith('s') else name


def json_body(example, partial=False, optional=False):
    """The request's JSON object, each field of the example request checked: present (unless
    partial) and of the example's type."""
    if optional and not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, 'The body must be a JSON object')
    for key, sample in (example if isinstance(example, dict) else {}).items():
        value = data.get(key)
        if value is None:
            if sample is not None and not partial:
                raise ApiError(400, f"'{key}' is required")
            continue
        if sample is not None and json_type(value) != json_type(sample):
            raise ApiError(400, f"'{key}' must be a {json_type(sample)}")
        if isinstance(sample, str) and sample.strip() and not value.strip():
            raise ApiError(400, f"'{key}' must not be empty")
    return data


def is_binary(sample):
    return isinstance(sample, str) and sample.lower().startswith('<binary')


def form_body(example):
    """A multipart form's fields and files, as the example request names them."""
    data, uploads = {}, {}
    for key, sample in (example if isinstance(example, dict) else {}).items():
        if is_binary(sample):
            upload = request.files.get(key)
            if upload is None or not upload.filename:
                raise ApiError(400, f"'{key}' must be a file")
            if 'image' in sample.lower() and not (upload.mimetype or '').startswith('image/'):
                raise ApiError(400, f"'{key}' must be an image")
            uploads[key] = upload
        elif key in request.form:
            value = request.form[key]
            if isinstance(sample, (int, float)) and not isinstance(sample, bool):
                try:
                    value = float(value) if isinstance(sample, float) else int(value)
                except ValueError:
                    raise ApiError(400, f"'{key}' must be a number")
            data[key] = value
    return data, uploads


def set_field(record, key, value):
    if key == 'id' or key.startswith('_'):
        return
    if is_secret(key):
        record.setdefault('_secrets', {})[key] = generate_password_hash(str(value))
    else:
        record[key] = value


def apply_changes(record, data):
    """Writes the request's fields into the record; new_x with current_x changes x once current_x is right."""
    for key, value in data.items():
        if key.startswith('current_'):
            continue
        if key.startswith('new_'):
            field = key[len('new_'):]
            if is_secret(field):
                current = str(data.get('current_' + field, ''))
                if not check_password_hash(record.get('_secrets', {}).get(field, ''), current):
                    raise ApiError(403, f'The current {field} is wrong')
            set_field(record, field, value)
        else:
            set_field(record, key, value)


def next_id(store):
    taken = [record['id'] for record in _stores.get(store, []) if isinstance(record.get('id'), int)]
    _next_ids[store] = max([_next_ids.get(store, 0), *taken]) + 1
    return _next_ids[store]


def seed(store, records):
    for record in records:
        _stores.setdefault(store, []).append({'_store': store, **record})


def records(store, parent=None):
    items = _stores.get(store, [])
    return [record for record in items if parent is None or record.get('_parent') == parent['id']]


def find_record(store, field, value, parent=None):
    for record in records(store, parent):
        if str(record.get(field)) == str(value):
            return record
    raise ApiError(404, f'No {singular(store.rsplit("/", 1)[-1])} with this {field}')


def create_record(store, data, example, parent=None, keys=()):
    """A new record of the store: the request's fields, an id, the owner's id in its *_id field,
    and the example's timestamps set to now."""
    record = {'_store': store, 'id': next_id(store)}
    if parent is not None:
        record['_parent'] = parent['id']
    for key, value in data.items():
        set_field(record, key, value)
    for key, sample in (example if isinstance(example, dict) else {}).items():
        if key in record:
            continue
        if parent is not None and key.endswith('_id') and json_type(sample) == 'number':
            record[key] = parent['id']
        elif isinstance(sample, str) and _DATETIME.match(sample):
            record[key] = tomorrow() if key.startswith('expire') else now()
        elif isinstance(sample, str) and _DATE.match(sample):
            record[key] = today()
    for key in keys:
        if not record.get(key):
            record[key] = secrets.token_urlsafe(5)
    _stores.setdefault(store, []).append(record)
    _changed.notify_all()
    return record


def upsert_record(store, data, example, parent=None):
    """The record with the request's values, made if there is none; its timestamps set to now."""
    plain = {key: value for key, value in data.items() if not isinstance(value, (list, dict))}
    for record in records(store, parent):
        if plain and all(record.get(key) == value for key, value in plain.items()):
            touch(record, example, r'.')
            return record
    return create_record(store, data, example, parent)


def touch(record, example, pattern=r'updat|modif|edit'):
    for key, sample in (example if isinstance(example, dict) else {}).items():
        if isinstance(sample, str) and _DATETIME.match(sample) and re.search(pattern, key):
            record[key] = now()


def delete_record(store, record, children=()):
    _stores[store] = [other for other in _stores.get(store, []) if other is not record]
    _files.pop((store, record['id']), None)
    for child in children:
        _stores[child] = [other for other in _stores.get(child, []) if other.get('_parent') != record['id']]
    for token, owner in list(_tokens.items()):
        if owner == (store, record['id']):
            del _tokens[token]


def delete_flagged(store):
    """Deletes the records with a flag set (a done todo, a completed task); returns them."""
    removed = [r for r in _stores.get(store, []) if any(v is True for k, v in r.items() if not k.startswith('_'))]
    _stores[store] = [r for r in _stores.get(store, []) if all(r is not gone for gone in removed)]
    return removed


def counts(example, count):
    """Every number of the example answer set to the count ({"deleted": 3})."""
    if not isinstance(example, dict):
        return {'deleted': count}
    return {key: count for key, sample in example.items() if json_type(sample) == 'number'}


def delete_all(store):
    removed = _stores.get(store, [])
    _stores[store] = []
    return removed


def public(record):
    if not isinstance(record, dict):
        return record
    return {key: value for key, value in record.items() if not key.startswith('_')}


def related(store, context):
    """The store's records; those of the context record when they name it (column_id for a column)."""
    items = _stores.get(store, [])
    owner = context.get('_store') if isinstance(context, dict) else None
    if owner and 'id' in context:
        link = singular(owner.rsplit('/', 1)[-1]) + '_id'
        if any(link in item for item in items):
            return [item for item in items if item.get(link) == context['id']]
    return items


def fallback(key, sample, context):
    """A value of the example's type for a field the record does not have."""
    if sample is None or isinstance(sample, bool):
        return sample
    named = NAMED_STORES.get(key)
    if isinstance(sample, (int, float)):
        return len(related(named, context)) if named else 0
    if isinstance(sample, str):
        if has_request_context() and request.args.get(key):
            return request.args[key]
        if _DATETIME.match(sample):
            return tomorrow() if key.startswith('expire') else now()
        return today() if _DATE.match(sample) else ''
    if isinstance(sample, list):
        item = sample[0] if sample else None
        if named and isinstance(item, dict):
            return [shape(item, record) for record in related(named, context)]
        return []
    return shape(sample, {})


def shape(example, source, extras=None):
    """The example response's shape, filled from the source record (and the extras' records)."""
    if not isinstance(example, dict):
        return public(source) if isinstance(source, dict) else example
    source = source if isinstance(source, dict) else {}
    body = {}
    for key, sample in example.items():
        if extras and key in extras:
            body[key] = shape(sample, extras[key])
        elif key in source and not key.startswith('_'):
            body[key] = source[key]
        else:
            body[key] = fallback(key, sample, source)
    return body


def texts(record):
    for value in record.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))


def matches(record, name, value):
    if name in _SEARCH:
        return any(value.lower() in text.lower() for text in texts(public(record)))
    if name in ('after', 'since_id'):
        return not value.isdigit() or len(value) > 12 or record.get('id', 0) > int(value)
    if name.startswith('_'):
        return True
    field = record.get(name)
    if name in record and not isinstance(field, (list, dict)):
        return str(field).lower() == value.lower()
    values = record.get(name + 's')
    if isinstance(values, list):
        return value.lower() in [str(item).lower() for item in values]
    return True


def number_arg(name):
    value = request.args.get(name, '')
    return int(value) if value.isdigit() and len(value) <= 6 and int(value) > 0 else None


def item_of(example):
    items = example.get('items') if isinstance(example, dict) else None
    return items[0] if isinstance(items, list) and items else None


def listing(example, items):
    """The list convention: {"items": [...], "total": n}, filtered by the query, then paged."""
    items = list(items)
    if has_request_context():
        wanted = [(name, value) for name, value in request.args.items() if value and name not in _PAGING]
        items = [item for item in items if not isinstance(item, dict) or all(matches(item, n, v) for n, v in wanted)]
    total = len(items)
    if has_request_context():
        size = number_arg('page_size') or number_arg('per_page') or number_arg('limit')
        if size:
            start = ((number_arg('page') or 1) - 1) * size
            items = items[start:start + size]
    sample = item_of(example)
    body = shape(example, {}) if isinstance(example, dict) else {}
    body['items'] = [shape(sample, item) if isinstance(sample, dict) else public(item) for item in items]
    body['total'] = total
    return body
`;
