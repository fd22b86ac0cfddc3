/**
 * The Python side of the fork server (see forkserver.ts): one interpreter that has imported Flask
 * and what generated backends usually import, and forks a process for each checked app instead of
 * starting a new interpreter. Importing Flask is most of what a `python3 app.py` costs; a fork
 * costs a few milliseconds.
 *
 * The server stays single-threaded, so that a forked child may enter a user and network namespace
 * of its own (the kernel refuses that to a threaded process). It runs no generated code: each app
 * runs in its child, which first becomes what `unshare --net --map-root-user python3 app.py` in a
 * new process group would have made it.
 *
 * Protocol: a JSON line per app on stdin; on stdout `{"id", "pid", "start"}` once forked (or
 * `{"id", "error"}`) and `{"pid", "code"|"signal"}` when the app's process ends; `{"ready": true}`
 * once the imports are done. End of stdin ends the server.
 */

/** A variable of the server's environment whose value each app overwrites with its sandbox folder. */
export const SANDBOX_SLOT_VARIABLE = 'APPGEN_SMOKE_SANDBOX';
/** Room for the sandbox folder's path (its sockets' paths must fit in 100 bytes anyway). */
export const SANDBOX_SLOT_BYTES = 256;

export const FORKSERVER_SOURCE = `"""AppGen smoke check: forks each checked app from an interpreter with Flask imported."""
import ctypes
import importlib.util
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import traceback

# Flask and what a generated backend and app.run() import besides (dotenv and colorama where
# installed); the sandbox guard's own imports.
for _name in ("flask", "flask.cli", "flask_cors", "sqlite3", "json", "uuid", "datetime", "hashlib",
              "secrets", "functools", "re", "werkzeug.security", "werkzeug.exceptions",
              "werkzeug.serving", "dotenv", "colorama", "encodings.idna", "stringprep", "ipaddress",
              "selectors", "fcntl", "struct", "threading", "logging"):
    try:
        __import__(_name)
    except Exception:
        pass

_SLOT = b"${SANDBOX_SLOT_VARIABLE}="
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4
_libc = ctypes.CDLL(None, use_errno=True)
# Apps run as the same user: without this, one could write into this server's memory through
# /proc or ptrace and so reach every app forked after it, and the host's network.
_libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _send(message):
    data = (json.dumps(message) + "\\n").encode()
    while data:
        data = data[os.write(1, data):]


def _start_time(pid):
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return int(text[text.rindex(")") + 2:].split()[19])


def _exit_message(pid, status):
    if os.WIFSIGNALED(status):
        return {"pid": pid, "signal": signal.Signals(os.WTERMSIG(status)).name}
    return {"pid": pid, "code": os.waitstatus_to_exitcode(status)}


def _serve():
    """Forks for each request; returns the request in the child, never in the server."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    forked = set()
    pending = b""
    _send({"ready": True})
    while True:
        for key, _ in selector.select():
            if key.fd == wake_read:
                try:
                    while os.read(wake_read, 512):
                        pass
                except BlockingIOError:
                    pass
                while True:
                    try:
                        pid, status = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    if pid in forked:
                        forked.discard(pid)
                        _send(_exit_message(pid, status))
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                os._exit(0)
            pending += chunk
            while b"\\n" in pending:
                line, pending = pending.split(b"\\n", 1)
                request = json.loads(line)
                try:
                    pid = os.fork()
                except OSError as error:
                    _send({"id": request["id"], "error": f"fork failed: {error}"})
                    continue
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    selector.close()
                    return request
                forked.add(pid)
                _send({"id": request["id"], "pid": pid, "start": _start_time(pid)})


def _connect(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock.detach()


def _write(path, text):
    with open(path, "w") as file:
        file.write(text)


def _enter_namespace():
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"unshare: {os.strerror(error)}")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")


def _mark_environ(sandbox):
    # A process's environment as /proc shows it is what it was started with: the server's. Its
    # reserved variable now names the sandbox, in this process and in all it forks, so that
    # stopping the app finds them by it as it finds processes started with the app's environment.
    with open("/proc/self/stat") as stat:
        text = stat.read()
    fields = text[text.rindex(")") + 2:].split()
    start, end = int(fields[47]), int(fields[48])
    with open("/proc/self/mem", "r+b", buffering=0) as memory:
        memory.seek(start)
        block = memory.read(end - start)
        at = block.find(_SLOT)
        if at < 0:
            return
        at += len(_SLOT)
        room = block.index(b"\\0", at) - at
        mark = (sandbox + "/").encode()
        if len(mark) <= room:
            memory.seek(start + at)
            memory.write(mark.ljust(room, b"/"))


def _become_app(request):
    # As a started process is: the checker reads what it needs of the app from /proc.
    _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    # A process group and session of its own, as a detached spawn gets.
    os.setsid()
    try:
        _mark_environ(request["sandbox"])
    except OSError:
        pass
    out, err = _connect(request["stdout"]), _connect(request["stderr"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.closerange(3, 1 << 16)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # Read from TMPDIR on first use: the app's, not one the server may have looked up.
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None
    # What the app starts and then leaves stays the app's child, where stopping it finds it.
    _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if request["namespace"]:
        _enter_namespace()
    script = os.path.join(request["cwd"], "app.py")
    sys.argv = [script]
    # Werkzeug's reloader starts the interpreter again with these: app.py, not this server.
    sys.orig_argv = [sys.executable, script]
    sys.path[0] = request["cwd"]
    sys.path.insert(1, os.path.dirname(request["guard"]))
    spec = importlib.util.spec_from_file_location("sitecustomize", request["guard"])
    guard = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = guard
    spec.loader.exec_module(guard)
    return script


def _run(script):
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:
        # The traceback as python3 app.py prints it: from the app's own frames on.
        frames = error.__traceback__
        while frames is not None and frames.tb_frame.f_code.co_filename != script:
            frames = frames.tb_next
        traceback.print_exception(type(error), error, frames)
        raise SystemExit(1)


_request = _serve()
try:
    _script = _become_app(_request)
except BaseException as _error:
    print(f"AppGen smoke check: the app could not be started: {_error}", file=sys.stderr)
    os._exit(126)
_run(_script)
`;
