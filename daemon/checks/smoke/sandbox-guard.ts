/**
 * The Python side of the smoke sandbox: a `sitecustomize.py` put on the app's PYTHONPATH, so that
 * Python loads it before `app.py` in the app's process and in every Python process the app starts.
 *
 * It keeps the app's own sockets on the loopback interface: a connection, datagram or name lookup
 * for any other address fails with PermissionError (an audit hook, which the app cannot remove),
 * and a server bound to all interfaces (`host="0.0.0.0"`, as the scaffold writes) listens on
 * 127.0.0.1 only. That holds for Python code, not for a program the app runs; the network
 * namespace (see network-isolation.ts) holds for everything.
 *
 * Each Python process of the app also becomes the subreaper of what it starts (see _keep_orphans).
 *
 * In a network namespace, where the checker cannot reach the app's port, the first process also
 * brings the namespace's loopback interface up and relays connections on a Unix socket in the
 * sandbox folder (APPGEN_SMOKE_RELAY) to 127.0.0.1:BACKEND_PORT inside the namespace.
 */

/** The file name Python looks for on its path at start-up. */
export const GUARD_FILE_NAME = 'sitecustomize.py';

/** The environment variable naming the relay's Unix socket; the guard removes it from the app's view. */
export const RELAY_SOCKET_VARIABLE = 'APPGEN_SMOKE_RELAY';

export const GUARD_SOURCE = `"""AppGen smoke check: keeps this app's sockets on 127.0.0.1 (loaded through PYTHONPATH)."""
import ipaddress
import os
import socket
import sys
import threading

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_WILDCARDS = {"", "0.0.0.0", "::"}
_INET = (socket.AF_INET, socket.AF_INET6)


def _host_text(host):
    if isinstance(host, (bytes, bytearray)):
        host = host.decode("ascii", "replace")
    return str(host).strip("[]").lower()


def _is_loopback(host):
    host = _host_text(host)
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(host):
    raise PermissionError(f"AppGen smoke check: no network beyond 127.0.0.1 (refused {_host_text(host)})")


def _guard(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in _INET and isinstance(address, tuple) and address:
            if not _is_loopback(address[0]):
                _refuse(address[0])
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is not None and _host_text(host) not in _WILDCARDS and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"AppGen smoke check: no network beyond 127.0.0.1 (refused {_host_text(host)})")
    elif event in ("socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        if not _is_loopback(args[0]):
            _refuse(args[0])


sys.addaudithook(_guard)

_bind = socket.socket.bind


def _loopback_bind(self, address):
    if isinstance(address, tuple) and address and _host_text(address[0]) in _WILDCARDS:
        if self.family == socket.AF_INET:
            address = ("127.0.0.1",) + tuple(address[1:])
        elif self.family == socket.AF_INET6:
            # IPv4's loopback as IPv6 sees it: the checker reaches it at 127.0.0.1, as before.
            address = ("::ffff:127.0.0.1",) + tuple(address[1:])
    return _bind(self, address)


socket.socket.bind = _loopback_bind


def _loopback_up():
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def _relay(path, port):
    # One thread relays every connection, as the selector says which socket has something: a
    # thread per direction of each of a check's few dozen requests cost the app more CPU than
    # answering them.
    import selectors

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    peers = {}
    ended = set()

    def stop_reading(sock):
        try:
            selector.unregister(sock)
        except (KeyError, ValueError):
            pass
        ended.add(sock)
        peer = peers.get(sock)
        if peer is None:
            return
        try:
            peer.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if peer in ended:
            for each in (sock, peer):
                peers.pop(each, None)
                ended.discard(each)
                each.close()

    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            if sock is server:
                client, _ = server.accept()
                try:
                    upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
                    upstream.settimeout(None)
                except OSError:
                    client.close()
                    continue
                peers[client] = upstream
                peers[upstream] = client
                selector.register(client, selectors.EVENT_READ)
                selector.register(upstream, selectors.EVENT_READ)
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    peers[sock].sendall(data)
                    continue
                except OSError:
                    pass
            stop_reading(sock)


def _keep_orphans():
    # What this process starts and then leaves (a double fork, a new session) stays its child
    # instead of passing to init, so that stopping the app still finds it among the app's own.
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except Exception:
            pass


_keep_orphans()

_relay_path = os.environ.pop("${RELAY_SOCKET_VARIABLE}", None)
if _relay_path:
    try:
        _loopback_up()
        _port = int(os.environ.get("BACKEND_PORT", "0"))
        threading.Thread(target=_relay, args=(_relay_path, _port), daemon=True).start()
    except Exception as error:
        print(f"AppGen smoke check: the relay did not start: {error}", file=sys.stderr)
`;

/**
 * A Python one-liner that brings the loopback interface up and exits 0: run inside
 * `unshare --net --map-root-user`, it tells whether the namespace can be used as the sandbox needs.
 */
export const LOOPBACK_UP_CHECK = [
  'import fcntl, socket, struct',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  "r = struct.pack('16sH22x', b'lo', 0)",
  "f = struct.unpack('16sH22x', fcntl.ioctl(s, 0x8913, r))[1]",
  "fcntl.ioctl(s, 0x8914, struct.pack('16sH22x', b'lo', f | 1))",
  "c = socket.socket(); c.bind(('127.0.0.1', 0)); c.listen(1)",
  'socket.create_connection(c.getsockname(), timeout=2).close()',
].join('\n');
