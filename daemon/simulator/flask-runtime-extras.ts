/**
 * The helpers of a simulated backend's app.py that only some APIs need: tokens and the caller
 * they name, passwords checked against their hashes, uploaded files, redirects and server-sent
 * event streams. Python, kept as text; it relies on flask-runtime.ts, written before it.
 */

export const FLASK_RUNTIME_EXTRAS = String.raw`def issue_token(record):
    token = secrets.token_urlsafe(24)
    _tokens[token] = (record['_store'], record['id'])
    return token


def caller_token():
    header = request.headers.get('Authorization', '')
    return header[len('Bearer '):].strip() if header.startswith('Bearer ') else ''


def current_record():
    owner = _tokens.get(caller_token())
    if owner is not None:
        for record in _stores.get(owner[0], []):
            if record['id'] == owner[1]:
                return record
    raise ApiError(401, 'Log in first: this needs a valid Authorization: Bearer token')


def end_session():
    if _tokens.pop(caller_token(), None) is None:
        raise ApiError(401, 'Log in first: this needs a valid Authorization: Bearer token')


def same(stored, given):
    if isinstance(stored, str) and isinstance(given, str):
        return stored.strip().lower() == given.strip().lower()
    return stored == given


def authenticate(data):
    """The record whose fields match the credentials, its secrets checked against their hashes."""
    identity = {key: value for key, value in data.items() if not is_secret(key)}
    given = {key: value for key, value in data.items() if is_secret(key)}
    for items in _stores.values():
        for record in items:
            if identity and all(same(record.get(key), value) for key, value in identity.items()):
                hashes = record.get('_secrets', {})
                if all(check_password_hash(hashes.get(key, ''), str(value)) for key, value in given.items()):
                    return record
    raise ApiError(401, 'Wrong credentials')


def attach_files(record, uploads, example):
    """Keeps the uploaded bytes and fills the record's file fields (name, type, size)."""
    for upload in uploads.values():
        content = upload.read()
        name = secure_filename(upload.filename) or 'upload'
        mimetype = upload.mimetype or 'application/octet-stream'
        _files[(record['_store'], record['id'])] = (content, mimetype, name)
        for key in (example if isinstance(example, dict) else {}):
            lower = key.lower()
            if key in record:
                continue
            if 'name' in lower:
                record[key] = name
            elif 'type' in lower or 'mime' in lower:
                record[key] = mimetype
            elif 'size' in lower or 'bytes' in lower:
                record[key] = len(content)


def link_fields(record, links):
    """Fields holding the API path of this record (a short link, a file's address)."""
    for key, (path, field) in links.items():
        record[key] = path.replace('<>', str(record.get(field)), 1)


def send_stored_file(record):
    stored = _files.get((record['_store'], record['id']))
    if stored is None:
        raise ApiError(404, 'This record has no file')
    content, mimetype, name = stored
    return send_file(io.BytesIO(content), mimetype=mimetype, download_name=name)


def bump(record, key):
    record[key] = (record.get(key) or 0) + 1


def link_target(record):
    for value in public(record).values():
        if isinstance(value, str) and value.startswith(('http://', 'https://')):
            return value
    return None


def event_stream(store, parent, example):
    """Server-sent events: each record added to the store from now on, as the example shows one."""
    name = example.get('event', 'message') if isinstance(example, dict) else 'message'
    sample = example.get('data') if isinstance(example, dict) else None
    resume = request.headers.get('Last-Event-ID', '')
    known = [record['id'] for record in records(store, parent)] if store else []
    seen = int(resume) if resume.isdigit() and len(resume) <= 12 else max(known, default=0)

    @stream_with_context
    def events():
        last = seen
        yield 'retry: 3000\n\n'
        for _ in range(40):
            with _changed:
                fresh = [r for r in records(store, parent) if r['id'] > last] if store else []
                if not fresh:
                    _changed.wait(15)
                    fresh = [r for r in records(store, parent) if r['id'] > last] if store else []
                sent = [(r['id'], json.dumps(shape(sample, r))) for r in fresh]
            for record_id, data in sent:
                last = record_id
                yield f'id: {record_id}\nevent: {name}\ndata: {data}\n\n'
            if not sent:
                yield ': keep-alive\n\n'

    return Response(events(), mimetype='text/event-stream', headers={'Cache-Control': 'no-cache'})
`;
